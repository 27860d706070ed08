import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Runtime } from '@temporalio/worker';
import { TemporalWorkerLogger } from '../../src/temporal-worker-logger';
import { loadConfig, type Config } from '../../src/config';
import { insertOrganisation } from '../../src/db/accounts';
import { insertConnection, type HireSync, type WebhookEvent } from '../../src/db/connections';
import { createDb } from '../../src/db/pool';
import { migrate } from '../../src/db/migrate';
import { insertTemplate } from '../../src/db/templates';
import type { TemplateSettings } from '../../src/templates/schema';
import { defaultTemplateSettings } from '../../src/templates/surveys';
import { startMailCatcher } from '../../src/dev/mail-catcher';
import { freePort } from '../../src/dev/processes';
import { startSmsCatcher } from '../../src/dev/sms-catcher';
import { startFakeLever, type KeyPermissions } from '../../src/fake-lever/server';
import { buildApp } from '../../src/http/app';
import { LinkSigner } from '../../src/links';
import { createLogger } from '../../src/logger';
import { inboundSmtpOptions, startInboundSmtp } from '../../src/mail/inbound-smtp';
import { createMailer } from '../../src/mail/mailer';
import { ReferenceChecks } from '../../src/reference-checks';
import { SecretBox } from '../../src/secrets';
import { connectTemporalClient, createTemporalClient } from '../../src/temporal';
import { createWorker, type RefcheckWorker } from '../../src/worker';
import { loadTestEnv, suiteEnv } from './env';
import { stackSecrets } from './secrets';

export const TRIGGER_STAGE = 'stage-refcheck';
export const API_KEY = 'test-api-key';
export { TEST_PAYLOAD_KEYS } from './secrets';
const id = (prefix: string) => `${prefix}_${randomBytes(6).toString('hex')}`;

export type StackOptions = {
  hireConfirmationDelaySeconds?: number;
  ownerAnswerTimeoutSeconds?: number;
  hireSync?: HireSync;
  deadlineSeconds?: number;
  requiredReferences?: number;
  /** false: no worker (ingress-only tests, or tests that run their own worker process) */
  worker?: boolean;
  templates?: { name: string; atsTag: string | null; isDefault: boolean }[];
  /** the default template's full settings, over defaultTemplateSettings() */
  templateSettings?: Partial<TemplateSettings>;
  /** the key the connection holds; the fake Lever accepts only API_KEY */
  apiKey?: string;
  /** the fake Lever's per-key permissions (a key named here is accepted too), e.g. a key without confidential access */
  keyPermissions?: KeyPermissions;
  leverRequestsPerSecond?: number;
  /** PAGE_COMMIT_WAIT_SECONDS: how long a run waits for what the candidate's page signalled to commit */
  pageCommitWaitSeconds?: number;
  /** the worker's pool for Lever calls (WORKER_LEVER_ACTIVITY_SLOTS) */
  workerLeverActivitySlots?: number;
  /** false: the worker has no Chromium (CHROMIUM_PATH unset), as in an image built without it */
  chromium?: boolean;
  /** a database of its own, empty of accounts: for tests that start as a new customer (the setup link) */
  freshDatabase?: boolean;
  /** collects the api's log lines (at info) for assertions about what is logged */
  logLines?: string[];
};

/**
 * One isolated refcheck for a test file: its own connection, task queue, fake Lever, mail
 * catcher, api (HTTP on a random port), inbound SMTP and worker, against the suite's real
 * Temporal and Postgres.
 */
export async function startStack(opts: StackOptions = {}) {
  quietTemporalRuntime();
  const env = suiteEnv();
  const fake = await startFakeLever({ port: 0, apiKeys: [API_KEY], keyPermissions: opts.keyPermissions });
  const catcher = await startMailCatcher({ smtpPort: 0 });
  const sms = await startSmsCatcher({ port: 0 });
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const apiUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  const config: Config = loadConfig({
    DATABASE_URL: opts.freshDatabase ? await freshDatabase(env.databaseUrl) : env.databaseUrl,
    TEMPORAL_ADDRESS: env.temporalAddress,
    TEMPORAL_TASK_QUEUE: id('refcheck-test'),
    PUBLIC_URL: apiUrl,
    ...stackSecrets(),
    SMTP_URL: `smtp://127.0.0.1:${catcher.smtpPort}`,
    INBOUND_MAIL_DOMAIN: 'reply.refcheck.test',
    SMS_PROVIDER: 'twilio',
    TWILIO_API_URL: sms.apiUrl,
    TWILIO_ACCOUNT_SID: sms.accountSid,
    TWILIO_AUTH_TOKEN: sms.authToken,
    SMS_FROM: '+15005550006',
    LOG_LEVEL: 'silent',
    ...(opts.chromium === false ? {} : { CHROMIUM_PATH: loadTestEnv().CHROMIUM_PATH }),
    ...(opts.leverRequestsPerSecond ? { LEVER_REQUESTS_PER_SECOND: String(opts.leverRequestsPerSecond) } : {}),
    ...(opts.pageCommitWaitSeconds ? { PAGE_COMMIT_WAIT_SECONDS: String(opts.pageCommitWaitSeconds) } : {}),
    ...(opts.workerLeverActivitySlots ? { WORKER_LEVER_ACTIVITY_SLOTS: String(opts.workerLeverActivitySlots) } : {}),
  });
  const db = createDb(config.DATABASE_URL, 5);
  const box = new SecretBox(config.REFCHECK_ENCRYPTION_KEY);
  const links = new LinkSigner(config.REFCHECK_LINK_SECRET);
  const logLines = opts.logLines;
  const logger = logLines ? createLogger('info', 'refcheck-api', { write: (line: string) => void logLines.push(line) }) : createLogger(config.LOG_LEVEL);

  // Each stack is an organisation of its own, as a customer set up in the console would be.
  const organisationId = id('org');
  await insertOrganisation(db, { id: organisationId, name: 'Acme Test' });
  const connectionId = id('conn');
  const signingTokens = Object.fromEntries(
    (['candidateStageChange', 'candidateHired', 'candidateArchiveChange', 'candidateDeleted'] as WebhookEvent[]).map((e) => [e, randomBytes(24).toString('hex')]),
  ) as Record<WebhookEvent, string>;
  await insertConnection(db, box, {
    id: connectionId, name: 'Acme Test', leverBaseUrl: fake.url, apiKey: opts.apiKey ?? API_KEY, triggerStageId: TRIGGER_STAGE,
    hireConfirmationDelaySeconds: opts.hireConfirmationDelaySeconds ?? 3600, ownerAnswerTimeoutSeconds: opts.ownerAnswerTimeoutSeconds ?? 3600,
    hireSync: opts.hireSync ?? 'note-and-tag', signingTokens, organisationId,
  });
  for (const t of opts.templates ?? [{ name: 'Standard', atsTag: null, isDefault: true }]) {
    await insertTemplate(db, connectionId, opts.templateSettings
      ? { id: id('tpl'), ...t, settings: defaultTemplateSettings(opts.templateSettings) }
      : { id: id('tpl'), ...t, requiredReferences: opts.requiredReferences ?? 2, deadlineSeconds: opts.deadlineSeconds ?? 3600 });
  }

  const { client, connection } = await connectTemporalClient(config);
  const checks = new ReferenceChecks(client, config.TEMPORAL_TASK_QUEUE);
  server.on('request', buildApp({ config, db, box, links, temporal: client, checks, logger }));
  // In production the listener is its own process (src/mail-listener.ts); here it runs in the test's, on a free port.
  const inboundMailer = createMailer(config.SMTP_URL, config.MAIL_FROM);
  const inbound = await startInboundSmtp(
    { db, checks, mailer: inboundMailer, inboundMailDomain: config.INBOUND_MAIL_DOMAIN, logger },
    { ...inboundSmtpOptions(config), port: 0, host: '127.0.0.1' },
  );

  let worker: { worker: RefcheckWorker; running: Promise<void>; close: () => Promise<void> } | undefined;
  if (opts.worker !== false) {
    const mailer = createMailer(config.SMTP_URL, config.MAIL_FROM);
    const made = await createWorker(config, { db, mailer, workflowBundlePath: env.bundlePath });
    const running = made.worker.run();
    worker = { worker: made.worker, running, close: async () => { made.worker.shutdown(); await running; await made.connection.close(); mailer.close(); } };
  }

  /** Sends a webhook the way Lever would: signed with this connection's token for the event. */
  async function deliver(event: WebhookEvent, data: object, init: { body?: unknown; token?: string; path?: string } = {}) {
    const body = init.body ?? fake.signWebhook(event, data, init.token ?? signingTokens[event]);
    const res = await fetch(`${apiUrl}${init.path ?? `/webhooks/lever/${connectionId}/${event}`}`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'Lever-Webhooks' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, string> | undefined };
  }

  /** Seeds a candidate on a posting, ready to be moved into the trigger stage. */
  function seedCandidate(opportunityId = id('opp'), postingTags = ['Engineering']) {
    fake.addUser({ id: 'user-owner', name: 'Grace Hopper', email: 'grace@acme.test' });
    const postingId = id('post');
    fake.addPosting({ id: postingId, text: 'Staff Engineer', tags: postingTags, owner: 'user-owner' });
    fake.addOpportunity({ id: opportunityId, name: 'Ada Lovelace', emails: [candidateEmail(opportunityId)], stage: TRIGGER_STAGE, owner: 'user-owner', postingId });
    return opportunityId;
  }

  return {
    config, db, box, links, logger, fake, catcher, sms, client, checks, organisationId, connectionId, signingTokens, apiUrl, inboundSmtpPort: inbound.port, worker,
    deliver, seedCandidate,
    async close() {
      await worker?.close();
      await inbound.close();
      inboundMailer.close();
      await new Promise((r) => server.close(r));
      await connection.close();
      await db.close();
      await catcher.close();
      await sms.close();
      await fake.close();
    },
  };
}

export type Stack = Awaited<ReturnType<typeof startStack>>;

/** A new database beside the suite's, migrated: no accounts, no organisations, as on a first start. */
async function freshDatabase(suiteUrl: string): Promise<string> {
  const name = id('refcheck_fresh');
  const admin = createDb(suiteUrl, 1);
  await admin.query(`create database ${name}`).finally(() => admin.close());
  const url = new URL(suiteUrl);
  url.pathname = `/${name}`;
  const db = createDb(url.toString(), 1);
  await migrate(db).finally(() => db.close());
  return url.toString();
}

/** Each seeded candidate has an address of their own, so tests can find their mail. */
export const candidateEmail = (opportunityId: string) => `ada.${opportunityId}@candidate.test`;

let runtimeInstalled = false;
/** The SDK logs every worker state change at INFO; tests want warnings only. Once per jest worker. */
function quietTemporalRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new TemporalWorkerLogger('WARN') });
  } catch {
    // already installed by an earlier stack in this process
  }
}

/**
 * Temporal as an api sees it during an outage: a client pointed at a port nothing listens on, and
 * the ReferenceChecks over it. Deliveries and pages that need Temporal must answer 503 with it.
 */
export async function unreachableTemporal(stack: Pick<Stack, 'config'>) {
  const dead = createTemporalClient({ ...stack.config, TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
  return { client: dead.client, checks: new ReferenceChecks(dead.client, 'unused'), close: () => dead.connection.close().catch(() => undefined) };
}
