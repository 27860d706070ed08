import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../../workflows/definitions';
import { onPath, startProcess, waitUntil, type Managed } from './processes';

/** `temporal` on PATH, else the copy scripts/bootstrap.sh builds into .tools/bin. */
export function temporalBinary(projectRoot: string): string {
  const local = join(projectRoot, '.tools', 'bin', 'temporal');
  if (existsSync(local)) return local;
  const found = onPath('temporal');
  if (found) return found;
  throw new Error('the Temporal CLI is missing: run scripts/bootstrap.sh (npm start and npm test do) to build it');
}

export type DevServer = Managed & { address: string; uiUrl?: string };

/**
 * The Temporal CLI's dev server: a real Temporal with a SQLite file (or in memory), the UI,
 * and refcheck's search attributes registered at start.
 */
export async function startTemporalDevServer(opts: { binary: string; port: number; uiPort?: number; uiCodecEndpoint?: string; dbFile?: string; logFile?: (line: string) => void }): Promise<DevServer> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port), '--namespace', 'default', '--log-level', 'warn'];
  args.push(...(opts.uiPort ? ['--ui-port', String(opts.uiPort)] : ['--headless']));
  // Payloads are encrypted: the UI asks the api's codec endpoint to decode them for a signed-in admin.
  if (opts.uiPort && opts.uiCodecEndpoint) args.push('--ui-codec-endpoint', opts.uiCodecEndpoint);
  if (opts.dbFile) args.push('--db-filename', opts.dbFile);
  for (const sa of SEARCH_ATTRIBUTES) args.push('--search-attribute', `${sa.name}=${sa.type}`);
  args.push('--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true');
  // Task queue fairness: each connection's runs and activities carry its id as fairness key
  // (src/reference-checks.ts), so one organisation's burst does not queue the others behind it.
  // One partition per task queue: fairness and arrival order hold per partition, and pollers pick
  // partitions at random, so with four a task can wait behind later ones. One partition serves
  // thousands of tasks a second; Lever lets each connection make ten calls.
  for (const setting of ['matching.enableFairness=true', 'matching.numTaskqueueReadPartitions=1', 'matching.numTaskqueueWritePartitions=1']) {
    args.push('--dynamic-config-value', setting);
  }
  const proc = startProcess('temporal', opts.binary, args);
  proc.child.stdout?.on('data', (d: Buffer) => opts.logFile?.(d.toString()));
  proc.child.stderr?.on('data', (d: Buffer) => opts.logFile?.(d.toString()));
  const address = `127.0.0.1:${opts.port}`;
  await waitUntil(`Temporal at ${address}`, async () => {
    if (proc.child.exitCode !== null) throw new Error(`temporal exited with code ${proc.child.exitCode}`);
    // A health probe only: it reads and writes no payloads, so it needs no codec.
    const connection = await Connection.connect({ address, connectTimeout: 1_000 });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  }, 60_000, 250);
  return { ...proc, address, uiUrl: opts.uiPort ? `http://localhost:${opts.uiPort}` : undefined };
}
