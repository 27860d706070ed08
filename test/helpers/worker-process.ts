import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/dev/project-root';
import { toEnv, type Config } from '../../src/config';

const WORKER = join(projectRoot(), 'dist', 'src', 'worker.js');

/**
 * The real worker process (`node dist/src/worker.js`), configured like the test's stack, logging at
 * info (its output is kept whole: tests read it for what must never be logged). `extraEnv` goes last.
 */
export function spawnWorker(config: Config, extraEnv: Record<string, string> = {}): { child: ChildProcess; ready: Promise<void>; output: () => string } {
  if (!existsSync(WORKER)) throw new Error('dist/src/worker.js is missing: run the suite with `npm test`, which compiles first');
  const child = spawn(process.execPath, [WORKER], { env: { PATH: process.env.PATH, ...toEnv(config), LOG_LEVEL: 'info', ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ready = new Promise<void>((resolveReady, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('worker running')) resolveReady();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${out}`)));
  });
  return { child, ready, output: () => out };
}
