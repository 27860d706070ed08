import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDb } from '../../src/db/pool';
import { migrate } from '../../src/db/migrate';
import { startLocalPostgres, stopAbandonedCluster } from '../../src/dev/postgres';
import { freePort } from '../../src/dev/processes';
import { projectRoot } from '../../src/dev/project-root';
import { startTemporalDevServer, temporalBinary } from '../../src/dev/temporal-server';
import { bundleWorkflows } from '../../src/workflow-bundle';
import { loadTestEnv } from '../helpers/env';

/**
 * Real parts for the whole suite: one Temporal dev server (in memory), one Postgres database,
 * one prebuilt workflow bundle. Each test file then brings its own task queue, connection,
 * fake Lever, mail catcher, api and worker (test/helpers/stack.ts).
 */
export default async function globalSetup() {
  const root = projectRoot();
  // A folder per run, so two runs on one machine (a developer's and an editor's) never share a cluster.
  const runs = join(root, '.data', 'test');
  mkdirSync(runs, { recursive: true });
  cleanUpAbandonedRuns(runs);
  const dataDir = mkdtempSync(join(runs, 'run-'));
  chmodSync(dataDir, 0o755); // mkdtemp makes it private; the postgres user must reach its cluster inside
  writeFileSync(join(dataDir, 'owner.pid'), String(process.pid));
  (globalThis as Record<string, unknown>).__refcheckTestDir = dataDir;
  const given = loadTestEnv();

  let databaseUrl = given.DATABASE_URL;
  if (!databaseUrl) {
    const pg = await startLocalPostgres({ dataDir: join(dataDir, 'postgres'), port: await freePort(), database: 'refcheck_test', fast: true });
    databaseUrl = pg.url;
    (globalThis as Record<string, unknown>).__refcheckPostgres = pg;
  }
  const db = createDb(databaseUrl);
  await migrate(db);
  await db.close();

  let temporalAddress = given.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const log: string[] = [];
    const server = await startTemporalDevServer({ binary: temporalBinary(root), port: await freePort(), logFile: (l) => log.push(l) });
    temporalAddress = server.address;
    (globalThis as Record<string, unknown>).__refcheckTemporal = server;
  }

  // From the sources, not dist/: `npx jest` after a workflow edit tests the edit, built or not.
  const bundlePath = join(dataDir, 'workflow-bundle.js');
  writeFileSync(bundlePath, await bundleWorkflows());

  process.env.REFCHECK_TEST_DATABASE_URL = databaseUrl;
  process.env.REFCHECK_TEST_TEMPORAL_ADDRESS = temporalAddress;
  process.env.REFCHECK_TEST_WORKFLOW_BUNDLE = bundlePath;
  process.env.REFCHECK_TEST_DATA_DIR = dataDir;
}

/** Runs whose jest process is gone (killed, interrupted) leave a cluster running: stop it, drop the folder. */
function cleanUpAbandonedRuns(runs: string) {
  for (const name of readdirSync(runs)) {
    const dir = join(runs, name);
    const owner = existsSync(join(dir, 'owner.pid')) ? Number(readFileSync(join(dir, 'owner.pid'), 'utf8')) : NaN;
    if (alive(owner)) continue;
    stopAbandonedCluster(join(dir, 'postgres'));
    rmSync(dir, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
