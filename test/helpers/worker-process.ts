import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/dev/project-root';
import { toEnv, type Config } from '../../src/config';
import { MALLOC_ENV } from '../../src/malloc-env';

const WORKER = join(projectRoot(), 'dist', 'src', 'worker.js');

/**
 * The real worker process (`node dist/src/worker.js`), started as deployed (MALLOC_ENV) and
 * configured like the test's stack, logging at info; `env` goes last. Its output is kept whole for
 * tests, which read it for what must never be logged; `keepOutput: false` (the bench, the drill)
 * stops keeping it once the worker runs, so a worker that handles thousands of runs does not pile
 * its log up in the caller's memory.
 */
export function spawnWorker(config: Config, opts: { env?: Record<string, string>; keepOutput?: boolean } = {}): { child: ChildProcess; ready: Promise<void>; output: () => string } {
  if (!existsSync(WORKER)) throw new Error('dist/src/worker.js is missing: run the suite with `npm test`, which compiles first');
  const child = spawn(process.execPath, [WORKER], { env: { PATH: process.env.PATH, ...MALLOC_ENV, ...toEnv(config), LOG_LEVEL: 'info', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ready = new Promise<void>((resolveReady, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (!out.includes('worker running')) return;
      resolveReady();
      // Read on (a full pipe would stall the worker), kept or not.
      if (opts.keepOutput === false) for (const stream of [child.stdout!, child.stderr!]) stream.removeListener('data', onData).resume();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${out}`)));
  });
  return { child, ready, output: () => out };
}
