import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, chownSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { onPath, waitUntil } from './processes';

/**
 * A throwaway PostgreSQL cluster under the project's data folder, from the machine's PostgreSQL
 * (scripts/bootstrap.sh installs Debian's package when it is missing). Postgres refuses to run as
 * root, so as root the cluster belongs to the `postgres` user.
 */
export type LocalPostgres = { url: string; stop: () => Promise<void> };

function pgBin(name: string): string {
  const found = onPath(name);
  if (found) return found;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', name))) return join(root, v, 'bin', name);
  throw new Error(`PostgreSQL's ${name} was not found: run scripts/bootstrap.sh, or set DATABASE_URL`);
}

function runAsOwner(cmd: string, args: string[]): string {
  const asRoot = process.getuid?.() === 0;
  return execFileSync(asRoot ? 'runuser' : cmd, asRoot ? ['-u', 'postgres', '--', cmd, ...args] : args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A cluster left running by an earlier run that did not stop cleanly is reused, not started twice. */
function isRunning(cluster: string): boolean {
  try {
    runAsOwner(pgBin('pg_ctl'), ['-D', cluster, 'status']);
    return true;
  } catch {
    return false;
  }
}

export async function startLocalPostgres(opts: { dataDir: string; port: number; database: string; fast?: boolean }): Promise<LocalPostgres> {
  const cluster = join(opts.dataDir, 'cluster');
  const socketDir = join(opts.dataDir, 'socket');
  mkdirSync(socketDir, { recursive: true });
  if (process.getuid?.() === 0) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    for (const dir of [opts.dataDir, socketDir]) chownSync(dir, id('-u'), id('-g'));
  }
  if (!existsSync(join(cluster, 'PG_VERSION'))) {
    runAsOwner(pgBin('initdb'), ['-D', cluster, '-U', 'refcheck', '--auth=trust', '-E', 'UTF8', '--no-locale']);
  }
  const settings = [`-p ${opts.port}`, `-k ${socketDir}`, "-c listen_addresses='127.0.0.1'"];
  // Tests throw the data away: durability costs time and buys nothing there.
  if (opts.fast) settings.push('-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off');
  if (!isRunning(cluster)) {
    runAsOwner(pgBin('pg_ctl'), ['-D', cluster, '-l', join(opts.dataDir, 'postgres.log'), '-o', settings.join(' '), '-w', '-t', '60', 'start']);
  }

  const admin = `postgresql://refcheck@127.0.0.1:${opts.port}/postgres`;
  await waitUntil('PostgreSQL', async () => {
    const c = new Client({ connectionString: admin });
    await c.connect();
    await c.end();
    return true;
  }, 30_000);
  const c = new Client({ connectionString: admin });
  await c.connect();
  const exists = await c.query('select 1 from pg_database where datname = $1', [opts.database]);
  if (exists.rowCount === 0) await c.query(`create database "${opts.database.replace(/"/g, '')}"`);
  await c.end();

  return {
    url: `postgresql://refcheck@127.0.0.1:${opts.port}/${opts.database}`,
    stop: async () => {
      runAsOwner(pgBin('pg_ctl'), ['-D', cluster, '-m', 'fast', '-w', 'stop']);
    },
  };
}

/** Stops a cluster left behind by a run that was killed before it could clean up (ignores "not running"). */
export function stopAbandonedCluster(dataDir: string): void {
  const cluster = join(dataDir, 'cluster');
  if (!existsSync(join(cluster, 'postmaster.pid'))) return;
  try {
    runAsOwner(pgBin('pg_ctl'), ['-D', cluster, '-m', 'immediate', '-w', 'stop']);
  } catch {
    // already stopped
  }
}
