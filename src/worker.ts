import { existsSync } from 'node:fs';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Config } from './config';
import { loadConfig, missingMallocEnv } from './config';
import { createDb, type Db } from './db/pool';
import { LinkSigner } from './links';
import { createLogger } from './logger';
import { createMailer, type Mailer } from './mail/mailer';
import { workerTelemetry } from './metrics-worker';
import { ensureRetentionSchedule } from './retention-schedule';
import { exitOnBadConfig, onShutdown } from './process';
import { SecretBox } from './secrets';
import { smsSenderFrom } from './sms/from-config';
import { createTemporalClient, temporalDataConverter } from './temporal';
import { TemporalWorkerLogger } from './temporal-worker-logger';
import { WORKFLOW_BUNDLE_PATH } from './workflow-bundle';
import { leverTaskQueue } from '../workflows/definitions';

/** refcheck's two Temporal workers in one process, run and stopped together. */
export type RefcheckWorker = { run: () => Promise<void>; shutdown: () => void };

/**
 * Builds the workers for refcheck's task queue; tests call this with their own config. One runs
 * the workflows and every activity but Lever's; the other only Lever's calls, from the queue's
 * Lever task queue (leverTaskQueue), in a pool of WORKER_LEVER_ACTIVITY_SLOTS: a call waiting for
 * its connection's budget waits there, and calls beyond the pool wait in Temporal's queue, in order.
 * The workflows come prebuilt (src/workflow-bundle.ts): the worker runs no bundler.
 */
export async function createWorker(config: Config, opts: { db: Db; mailer: Mailer; workflowBundlePath: string; taskQueue?: string }): Promise<{ worker: RefcheckWorker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const activities = createActivities({
    db: opts.db,
    box: new SecretBox(config.REFCHECK_ENCRYPTION_KEY),
    links: new LinkSigner(config.REFCHECK_LINK_SECRET),
    mailer: opts.mailer,
    sms: smsSenderFrom(config),
    settings: {
      publicUrl: config.PUBLIC_URL,
      reportLinkTtlDays: config.REPORT_LINK_TTL_DAYS,
      hireLinkTtlDays: config.HIRE_LINK_TTL_DAYS,
      inboundMailDomain: config.INBOUND_MAIL_DOMAIN,
      leverRequestsPerSecond: config.LEVER_REQUESTS_PER_SECOND,
      leverBurst: config.LEVER_BURST,
      leverSlotHorizonMs: config.LEVER_SLOT_HORIZON_MS,
      pageCommitWaitMs: config.PAGE_COMMIT_WAIT_SECONDS * 1000,
      webhookDeliveryRetentionDays: config.WEBHOOK_DELIVERY_RETENTION_DAYS,
      webhookMaxAgeSeconds: config.WEBHOOK_MAX_AGE_SECONDS,
      chromiumPath: config.CHROMIUM_PATH,
    },
  });
  const taskQueue = opts.taskQueue ?? config.TEMPORAL_TASK_QUEUE;
  const common = { connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: temporalDataConverter(config), activities };
  const main = await Worker.create({
    ...common,
    taskQueue,
    workflowBundle: { codePath: opts.workflowBundlePath },
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
  });
  const leverCalls = await Worker.create({ ...common, taskQueue: leverTaskQueue(taskQueue), maxConcurrentActivityTaskExecutions: config.WORKER_LEVER_ACTIVITY_SLOTS });
  const workers = [main, leverCalls];
  return {
    worker: {
      // One stopping (a lost connection, a fatal error) stops the other: the process never runs half a worker.
      run: () => Promise.all(workers.map((w) => w.run().finally(() => workers.forEach((o) => o.getState() === 'RUNNING' && o.shutdown())))).then(() => undefined),
      shutdown: () => workers.forEach((w) => w.getState() === 'RUNNING' && w.shutdown()),
    },
    connection,
  };
}

async function main() {
  const config = exitOnBadConfig(loadConfig);
  const logger = createLogger(config.LOG_LEVEL, 'refcheck-worker');
  if (!existsSync(WORKFLOW_BUNDLE_PATH)) {
    logger.error({ path: WORKFLOW_BUNDLE_PATH }, 'the workflow bundle is missing: `npm run build` makes it');
    process.exit(1);
  }
  const missingMalloc = missingMallocEnv();
  if (missingMalloc.length) logger.warn({ set: missingMalloc }, 'started without glibc malloc settings: memory used by a burst may stay with the worker (docs/operations.md, Memory)');
  // Before the first connection: the runtime (and its metrics exporter) is installed once per process.
  Runtime.install({ ...workerTelemetry(config), logger: new TemporalWorkerLogger('INFO') });
  const db = createDb(config.DATABASE_URL);
  const mailer = createMailer(config.SMTP_URL, config.MAIL_FROM);
  const { worker, connection } = await createWorker(config, { db, mailer, workflowBundlePath: WORKFLOW_BUNDLE_PATH });
  // Before polling: a worker that cannot schedule the sweep stops (and is restarted) rather than run without it.
  const temporal = createTemporalClient(config);
  const schedule = await ensureRetentionSchedule(temporal.client, { taskQueue: config.TEMPORAL_TASK_QUEUE, intervalSeconds: config.RETENTION_SWEEP_INTERVAL_SECONDS });
  await temporal.connection.close();
  logger.info({ schedule, everySeconds: config.RETENTION_SWEEP_INTERVAL_SECONDS }, 'retention sweep scheduled');
  const running = worker.run();
  logger.info({
    taskQueue: config.TEMPORAL_TASK_QUEUE, leverTaskQueue: leverTaskQueue(config.TEMPORAL_TASK_QUEUE), leverActivitySlots: config.WORKER_LEVER_ACTIVITY_SLOTS,
    metricsPort: config.WORKER_METRICS_PORT || undefined,
  }, 'worker running');
  // Shutdown lets in-flight activities finish (or time out) before the connections close.
  onShutdown(logger, async () => {
    worker.shutdown();
    await running;
    await connection.close();
    await db.close();
    mailer.close();
  });
  // A worker that stopped polling must not linger as a live process whose metrics port still answers
  // its health check: it exits, and compose restarts it.
  await running.catch((err: Error) => {
    logger.error({ err: err.message }, 'worker stopped');
    process.exit(1);
  });
}

if (require.main === module) void main();
