import { createDb, type Db } from '../src/db/pool';
import { createMailer, type Mailer } from '../src/mail/mailer';
import { createWorker } from '../src/worker';
import { suiteEnv } from './helpers/env';
import { startCheck } from './helpers/journey';
import { candidateEmail, startStack, type Stack } from './helpers/stack';

/**
 * PostgreSQL goes away just after SMTP accepted an invitation, before refcheck could record it,
 * as in a restart: every connection to the check's database is terminated and new ones are refused
 * for a few seconds. The candidate still gets one invitation, not two.
 */
let stack: Stack;
let admin: Db;
let workerDb: Db;
let realMailer: Mailer;
let worker: Awaited<ReturnType<typeof createWorker>>;
let running: Promise<void>;
const databaseName = () => new URL(stack.config.DATABASE_URL).pathname.slice(1);

/** What a restart looks like to refcheck: open connections cut, new ones refused. Undone by `restoreDatabase`. */
async function takeDatabaseAway() {
  await admin.query(`alter database "${databaseName()}" allow_connections false`);
  await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [databaseName()]);
}
const restoreDatabase = () => admin.query(`alter database "${databaseName()}" allow_connections true`);

let outage: Promise<void> | undefined;
beforeAll(async () => {
  // A database of its own, so taking it away touches no other test file.
  stack = await startStack({ worker: false, freshDatabase: true });
  admin = createDb(suiteEnv().databaseUrl, 1);
  workerDb = createDb(stack.config.DATABASE_URL, 5);
  realMailer = createMailer(stack.config.SMTP_URL, stack.config.MAIL_FROM);
  const mailer: Mailer = {
    async send(mail) {
      await realMailer.send(mail);
      // Accepted by SMTP; Postgres now restarts, for about three seconds.
      if (!outage && mail.to === candidateEmail('opp-mail-once')) {
        outage = takeDatabaseAway().then(() => new Promise((r) => setTimeout(r, 3_000))).then(restoreDatabase).then(() => undefined);
        await new Promise((r) => setTimeout(r, 200)); // the terminations reach the worker's pool first
      }
    },
    close: () => realMailer.close(),
  };
  worker = await createWorker(stack.config, { db: workerDb, mailer, workflowBundlePath: suiteEnv().bundlePath });
  running = worker.worker.run();
});
afterAll(async () => {
  await outage?.catch(() => undefined);
  await restoreDatabase().catch(() => undefined);
  worker.worker.shutdown();
  await running;
  await worker.connection.close();
  realMailer.close();
  await workerDb.close();
  await admin.close();
  await stack.close();
});

test('when PostgreSQL restarts between SMTP accepting an invitation and its record, then the candidate gets it once', async () => {
  const opp = stack.seedCandidate('opp-mail-once');
  // The check moves past the invitation only once the mail is sent and recorded.
  await startCheck(stack, opp);
  await outage;
  const invitations = stack.catcher.messages.filter((m) => m.to.includes(candidateEmail(opp))).map((m) => m.messageId);
  expect(invitations).toHaveLength(1);
}, 120_000);
