import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, loadLocalEnv, toEnv, type Config, type LocalEnv } from '../config';
import { createDb } from '../db/pool';
import { migrate } from '../db/migrate';
import { MALLOC_ENV } from '../malloc-env';
import { setupLinkIfNeeded } from '../console/account-links';
import { startFakeLever, seedDemo, type FakeLever } from '../fake-lever/server';
import { localSecrets } from './local-secrets';
import { startMailCatcher, type MailCatcher } from './mail-catcher';
import { LOCAL_SMS_ACCOUNT_SID, LOCAL_SMS_AUTH_TOKEN, startSmsCatcher, type SmsCatcher } from './sms-catcher';
import { startLocalPostgres } from './postgres';
import { startProcess, waitUntil, type Managed } from './processes';
import { projectRoot } from './project-root';
import { startTemporalDevServer, temporalBinary } from './temporal-server';

export const DEMO_API_KEY = 'demo-lever-api-key';

export type LocalStack = {
  config: Config;
  urls: { api: string; temporalUi?: string; mail: string; sms: string; fakeLever: string; console: string };
  /** the one-time link that makes the console's first admin, while there is none */
  setupLink?: string;
  fakeLever: FakeLever;
  mail: MailCatcher;
  sms: SmsCatcher;
  stop: () => Promise<void>;
};

/**
 * Everything refcheck needs on one machine, started in order: PostgreSQL (or DATABASE_URL),
 * the Temporal dev server with its UI (or TEMPORAL_ADDRESS), a mail catcher, a fake Lever,
 * migrations, then the api, the worker and the mail listener as child processes.
 */
export async function startLocalStack(say: (line: string) => void): Promise<LocalStack> {
  const root = projectRoot();
  const data = join(root, '.data', 'local');
  const local = loadLocalEnv();
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    let databaseUrl = local.DATABASE_URL;
    if (!databaseUrl) {
      say(`starting PostgreSQL (local cluster in .data/local/postgres, port ${local.LOCAL_POSTGRES_PORT})`);
      const pg = await startLocalPostgres({ dataDir: join(data, 'postgres'), port: local.LOCAL_POSTGRES_PORT, database: 'refcheck' });
      stops.push(pg.stop);
      databaseUrl = pg.url;
    }
    let temporalAddress = local.TEMPORAL_ADDRESS;
    let temporalUi: string | undefined;
    if (!temporalAddress) {
      say(`starting the Temporal dev server (port ${local.LOCAL_TEMPORAL_PORT}, UI ${local.LOCAL_TEMPORAL_UI_PORT}, data in .data/local/temporal.db)`);
      const server = await startTemporalDevServer({
        binary: temporalBinary(root), port: local.LOCAL_TEMPORAL_PORT, uiPort: local.LOCAL_TEMPORAL_UI_PORT, dbFile: join(data, 'temporal.db'),
        uiCodecEndpoint: `${localPublicUrl(local)}/codec`,
      });
      stops.push(server.stop);
      temporalAddress = server.address;
      temporalUi = server.uiUrl;
    }
    say(`starting the mail catcher (SMTP ${local.LOCAL_MAIL_SMTP_PORT}, web ${local.LOCAL_MAIL_WEB_PORT}, files in .data/local/mail)`);
    const mail = await startMailCatcher({ smtpPort: local.LOCAL_MAIL_SMTP_PORT, webPort: local.LOCAL_MAIL_WEB_PORT, dir: join(data, 'mail') });
    stops.push(mail.close);
    say(`starting the SMS catcher (Twilio's API and a page of texts on port ${local.LOCAL_SMS_PORT}, files in .data/local/sms)`);
    const sms = await startSmsCatcher({ port: local.LOCAL_SMS_PORT, dir: join(data, 'sms') });
    stops.push(sms.close);
    say(`starting a fake Lever (port ${local.LOCAL_FAKE_LEVER_PORT}, API key "${DEMO_API_KEY}", one demo candidate)`);
    const fakeLever = await startFakeLever({ port: local.LOCAL_FAKE_LEVER_PORT, apiKeys: [DEMO_API_KEY] });
    seedDemo(fakeLever);
    stops.push(fakeLever.close);

    const config = localConfig(databaseUrl, temporalAddress);
    say('applying database migrations');
    const db = createDb(config.DATABASE_URL, 1);
    const applied = await migrate(db);
    say(applied.length ? `  applied ${applied.join(', ')}` : '  schema is up to date');
    const setupLink = await setupLinkIfNeeded(db, config.PUBLIC_URL).finally(() => db.close());

    for (const [name, file] of [['api', 'main.js'], ['worker', 'worker.js'], ['mail', 'mail-listener.js']] as const) {
      const script = join(root, 'dist', 'src', file);
      if (!existsSync(script)) throw new Error(`${script} is missing: run npm start (it compiles first)`);
      const proc: Managed = startProcess(name, process.execPath, [script], { env: { PATH: process.env.PATH, ...MALLOC_ENV, ...toEnv(config) } });
      prefixOutput(proc, name);
      stops.push(proc.stop);
    }
    say('waiting for the api to be ready');
    await waitUntil('the api at /readyz', async () => (await fetch(`http://127.0.0.1:${local.PORT}/readyz`)).ok, 60_000, 300);
    return {
      config,
      urls: { api: config.PUBLIC_URL, temporalUi, mail: mail.webUrl!, sms: sms.apiUrl.replace('127.0.0.1', 'localhost'), fakeLever: fakeLever.origin, console: `${config.PUBLIC_URL}/console` },
      setupLink,
      fakeLever,
      mail,
      sms,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The configuration the local stack gives the api and worker (and the demo uses to reach them). */
export function localConfig(databaseUrl?: string, temporalAddress?: string): Config {
  const local = loadLocalEnv();
  return loadConfig({
    ...localSecrets(join(projectRoot(), '.data', 'local', 'secrets.json')),
    DATABASE_URL: databaseUrl ?? local.DATABASE_URL ?? `postgresql://refcheck@127.0.0.1:${local.LOCAL_POSTGRES_PORT}/refcheck`,
    TEMPORAL_ADDRESS: temporalAddress ?? local.TEMPORAL_ADDRESS ?? `127.0.0.1:${local.LOCAL_TEMPORAL_PORT}`,
    PORT: String(local.PORT),
    PUBLIC_URL: localPublicUrl(local),
    // The dev server's UI, the one origin the codec endpoint answers with a console session.
    TEMPORAL_UI_URL: `http://localhost:${local.LOCAL_TEMPORAL_UI_PORT}`,
    SMTP_URL: `smtp://127.0.0.1:${local.LOCAL_MAIL_SMTP_PORT}`,
    INBOUND_SMTP_PORT: String(local.INBOUND_SMTP_PORT),
    // The report PDF (a connection setting) renders in the Chromium the browser tests and the demo use, when there is one.
    ...(existsSync(local.CHROMIUM_PATH) ? { CHROMIUM_PATH: local.CHROMIUM_PATH } : {}),
    // Texts go to the local catcher through the real Twilio adapter.
    SMS_PROVIDER: 'twilio',
    TWILIO_API_URL: `http://127.0.0.1:${local.LOCAL_SMS_PORT}`,
    TWILIO_ACCOUNT_SID: LOCAL_SMS_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: LOCAL_SMS_AUTH_TOKEN,
    SMS_FROM: '+15005550006',
  });
}

const localPublicUrl = (local: LocalEnv) => `http://localhost:${local.PORT}`;

/** The api's and worker's JSON log lines, prefixed so the two streams can be told apart. */
function prefixOutput(proc: Managed, name: string) {
  for (const stream of [proc.child.stdout, proc.child.stderr]) {
    let partial = '';
    stream?.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) process.stdout.write(`[${name}] ${line}\n`);
    });
  }
}
