import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { loadConfig, type Config } from '../../src/config';
import { insertOrganisation } from '../../src/db/accounts';
import { insertConnection, type WebhookEvent } from '../../src/db/connections';
import { migrate } from '../../src/db/migrate';
import { createDb, type Db } from '../../src/db/pool';
import { insertTemplate } from '../../src/db/templates';
import { startMailCatcher, type MailCatcher } from '../../src/dev/mail-catcher';
import { startLocalPostgres, stopAbandonedCluster, type LocalPostgres } from '../../src/dev/postgres';
import { freePort } from '../../src/dev/processes';
import { projectRoot } from '../../src/dev/project-root';
import { startTemporalDevServer, temporalBinary, type DevServer } from '../../src/dev/temporal-server';
import { startFakeLever, type FakeLever } from '../../src/fake-lever/server';
import { buildApp } from '../../src/http/app';
import { LinkSigner } from '../../src/links';
import { createLogger } from '../../src/logger';
import { ReferenceChecks } from '../../src/reference-checks';
import { SecretBox } from '../../src/secrets';
import { connectTemporalClient } from '../../src/temporal';
import { spawnWorker } from '../helpers/worker-process';
import { stackSecrets } from '../helpers/secrets';
import { TRIGGER_STAGE } from '../helpers/stack';

export const DRILL_API_KEY = 'drill-api-key';
type WorkerSlot = { n: number; kill?: () => void; ready: boolean; kills: number; restarts: number; diedAlone: number };

/**
 * The drill's own refcheck: a durable Postgres cluster and a Temporal dev server on a SQLite file
 * (so both survive the restarts the drill puts them through), a mail catcher, a fake Lever, the api
 * in this process, and worker processes (`node dist/src/worker.js`) kept running by a supervisor.
 */
export async function startDrillStack(dataDir: string, workerCount: number, say: (line: string) => void) {
  const pgOpts = { dataDir: join(dataDir, 'postgres'), port: await freePort(), database: 'refcheck_drill' };
  let pg: LocalPostgres = await startLocalPostgres(pgOpts);
  const temporalOpts = { binary: temporalBinary(projectRoot()), port: await freePort(), dbFile: join(dataDir, 'temporal.db') };
  let temporal: DevServer = await startTemporalDevServer(temporalOpts);
  const catcher: MailCatcher = await startMailCatcher({ smtpPort: 0 });
  const fake: FakeLever = await startFakeLever({ port: 0, apiKeys: [DRILL_API_KEY] });
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const apiUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  const config: Config = loadConfig({
    DATABASE_URL: pg.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: 'refcheck-drill',
    PUBLIC_URL: apiUrl,
    ...stackSecrets(),
    SMTP_URL: `smtp://127.0.0.1:${catcher.smtpPort}`,
    INBOUND_MAIL_DOMAIN: 'reply.refcheck.test',
    LOG_LEVEL: 'silent',
  });
  const db: Db = createDb(config.DATABASE_URL, 10);
  await migrate(db);
  const box = new SecretBox(config.REFCHECK_ENCRYPTION_KEY);
  const organisationId = 'org_drill';
  await insertOrganisation(db, { id: organisationId, name: 'Drill Co' });
  const connectionId = 'conn_drill';
  const events: WebhookEvent[] = ['candidateStageChange', 'candidateHired', 'candidateArchiveChange', 'candidateDeleted'];
  const signingTokens = Object.fromEntries(events.map((e) => [e, randomBytes(24).toString('hex')])) as Record<WebhookEvent, string>;
  await insertConnection(db, box, {
    id: connectionId, name: 'Drill Co', leverBaseUrl: fake.url, apiKey: DRILL_API_KEY, triggerStageId: TRIGGER_STAGE,
    hireConfirmationDelaySeconds: 3600, ownerAnswerTimeoutSeconds: 3600, hireSync: 'note-and-tag', signingTokens, organisationId,
  });
  await insertTemplate(db, connectionId, { id: 'tpl_drill', name: 'Standard', atsTag: null, isDefault: true, requiredReferences: 2, deadlineSeconds: 3600 });

  let { client, connection } = await connectTemporalClient(config);
  const clientRef = { current: client as Client };
  const app = () => buildApp({ config, db, box, links: new LinkSigner(config.REFCHECK_LINK_SECRET), temporal: clientRef.current, checks: new ReferenceChecks(clientRef.current, config.TEMPORAL_TASK_QUEUE), logger: createLogger('silent') });
  let handler = app();
  server.on('request', (req, res) => handler(req, res));

  // Workers: each slot is kept running; a worker that dies (killed, or gave up on its own) is started again.
  let stopping = false;
  const slots: WorkerSlot[] = Array.from({ length: workerCount }, (_, n) => ({ n, ready: false, kills: 0, restarts: 0, diedAlone: 0 }));
  const exits: Promise<unknown>[] = [];
  const run = (slot: WorkerSlot) => {
    // Its log goes to worker-N.log below, not into this process's memory.
    const w = spawnWorker(config, { keepOutput: false });
    const log = join(dataDir, `worker-${slot.n}.log`);
    for (const stream of [w.child.stdout, w.child.stderr]) stream?.on('data', (d: Buffer) => appendFileSync(log, d));
    slot.ready = false;
    w.ready.then(() => { slot.ready = true; }, () => undefined);
    slot.kill = () => w.child.kill('SIGKILL');
    exits.push(new Promise((r) => w.child.once('exit', r)));
    w.child.once('exit', (_code, signal) => {
      slot.ready = false;
      if (stopping) return;
      if (signal !== 'SIGKILL') {
        slot.diedAlone += 1;
        say(`worker ${slot.n} exited by itself (see ${log})`);
      }
      slot.restarts += 1;
      setTimeout(() => !stopping && run(slot), 1_000 + Math.random() * 2_000);
    });
    return w.ready;
  };
  await Promise.all(slots.map(run));
  say(`stack up: Postgres ${pg.url}, Temporal ${temporal.address} (${temporalOpts.dbFile}), ${workerCount} worker processes, api ${apiUrl}`);

  return {
    config, db, fake, catcher, apiUrl, connectionId, signingTokens, slots,
    client: () => clientRef.current,
    killWorker(slot: WorkerSlot) {
      slot.kills += 1;
      slot.kill?.();
    },
    /** Temporal's dev server SIGKILLed and started again on its SQLite file, same port. */
    async restartTemporal() {
      temporal.child.kill('SIGKILL');
      await new Promise((r) => temporal.child.once('exit', r));
      temporal = await startTemporalDevServer(temporalOpts);
    },
    /** PostgreSQL stopped in immediate mode (a crash: no checkpoint, recovery on start) and started again. */
    async restartPostgres() {
      stopAbandonedCluster(pgOpts.dataDir);
      pg = await startLocalPostgres(pgOpts);
    },
    async close() {
      stopping = true;
      for (const s of slots) s.kill?.();
      await Promise.all(exits);
      await new Promise((r) => server.close(r));
      await connection.close().catch(() => undefined);
      await db.close().catch(() => undefined);
      await catcher.close();
      await fake.close();
      temporal.child.kill('SIGKILL');
      await pg.stop().catch(() => stopAbandonedCluster(pgOpts.dataDir));
    },
    /** After a Temporal restart the api's client reconnects by itself; kept here should it ever not. */
    async reconnect() {
      await connection.close().catch(() => undefined);
      ({ client, connection } = await connectTemporalClient(config));
      clientRef.current = client;
      handler = app();
    },
  };
}

export type DrillStack = Awaited<ReturnType<typeof startDrillStack>>;
