import { z } from 'zod';
import { payloadKeysProblem } from './temporal-codec/payload-keys';
import { GENERATE_HINT, rejectPlaceholder, rejectPlaceholderPassword, rejectWeakKey, rejectWeakSecret } from './secret-strength';
import { TrustProxy } from './trust-proxy';
import { MALLOC_ENV } from './malloc-env';

/**
 * The one place that reads process.env. Every process parses it once at start-up;
 * a bad value names the variable and stops the process (see main.ts / worker.ts).
 */
const str = () => z.string();
const int = () => z.coerce.number().int();
const isOrigin = (v: string) => URL.canParse(v) && new URL(v).origin === v;
/** An empty variable counts as unset, so `PORT=` in an env file means "use the default". */
const withoutEmpty = (env: NodeJS.ProcessEnv) => Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));

const EnvFields = z.object({
  PORT: int().pipe(z.number().min(0).max(65535)).default(3000),
  PUBLIC_URL: str().pipe(z.url()).default('http://localhost:3000'),
  DATABASE_URL: str().pipe(z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')).superRefine(rejectPlaceholderPassword),
  TEMPORAL_ADDRESS: str().default('localhost:7233'),
  TEMPORAL_NAMESPACE: str().default('default'),
  TEMPORAL_TASK_QUEUE: str().default('refcheck'),
  /** Where support opens the Temporal UI: the console links each check to its run there. */
  TEMPORAL_UI_URL: str().pipe(z.url()).default('http://localhost:8233'),
  /** The Temporal UI's origin, the only one allowed to call the codec endpoint with a console session; unset: TEMPORAL_UI_URL's origin. */
  TEMPORAL_UI_ORIGIN: str().refine(isOrigin, 'must be an origin: scheme://host[:port], no path or trailing slash').optional(),
  /** Encrypts what refcheck stores in Temporal (AES-256-GCM): id:base64key pairs, comma-separated; the first encrypts, all decrypt. */
  TEMPORAL_PAYLOAD_KEYS: str().superRefine((v, ctx) => {
    const problem = payloadKeysProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  /** 32 random bytes, base64: encrypts Lever API keys and signing tokens at rest (AES-256-GCM). */
  REFCHECK_ENCRYPTION_KEY: str().superRefine(rejectWeakKey),
  /** Signs the links in mails (report, hire confirmation). */
  REFCHECK_LINK_SECRET: str().pipe(z.string().min(32, `must be at least 32 characters; ${GENERATE_HINT}`)).superRefine(rejectWeakSecret),
  /** Bearer token for the admin API. */
  REFCHECK_ADMIN_TOKEN: str().pipe(z.string().min(24, `must be at least 24 characters; ${GENERATE_HINT}`)).superRefine(rejectWeakSecret),
  SMTP_URL: str().pipe(z.url()).superRefine(rejectPlaceholderPassword).default('smtp://localhost:1025'),
  MAIL_FROM: str().default('refcheck <refcheck@localhost>'),
  /** Replies to hire-confirmation mails go to hire+<token>@INBOUND_MAIL_DOMAIN. */
  INBOUND_MAIL_DOMAIN: str().default('reply.localhost'),
  /** Port of the built-in SMTP listener for those replies; 0 turns it off (use the HTTP inbound hook instead). */
  INBOUND_SMTP_PORT: int().pipe(z.number().min(0).max(65535)).default(2525),
  /** Where the mail listener (its own process, src/mail-listener.ts) binds: loopback unless a host or container needs more. */
  INBOUND_SMTP_HOST: str().default('127.0.0.1'),
  /** Larger replies are refused with 552 while they stream in, never read into memory. */
  INBOUND_SMTP_MAX_MESSAGE_BYTES: int().pipe(z.number().min(1024).max(25 * 1024 * 1024)).default(1024 * 1024),
  /** Clients past this many at once are told 421 (try later). */
  INBOUND_SMTP_MAX_CLIENTS: int().pipe(z.number().min(1).max(10_000)).default(50),
  /** A client silent this long is dropped. */
  INBOUND_SMTP_IDLE_TIMEOUT_SECONDS: int().pipe(z.number().min(1).max(600)).default(60),
  /** PEM files: with both, the listener offers STARTTLS; without, put a TLS-terminating MTA in front (docs/operations.md). */
  INBOUND_SMTP_TLS_CERT_FILE: str().optional(),
  INBOUND_SMTP_TLS_KEY_FILE: str().optional(),
  /** Shared secret a mail provider's inbound webhook sends as a Bearer token; unset turns the endpoint off. */
  INBOUND_MAIL_SECRET: str().pipe(z.string().min(24, `must be at least 24 characters; ${GENERATE_HINT}`)).superRefine(rejectWeakSecret).optional(),
  WEBHOOK_BODY_LIMIT_BYTES: int().pipe(z.number().min(1024)).default(32 * 1024),
  /**
   * Oldest triggeredAt a webhook may carry. Lever retries 5 times with growing gaps (schedule
   * undocumented) and its UI can re-run a delivery: a week covers both. Tokens are remembered this long.
   */
  WEBHOOK_MAX_AGE_SECONDS: int().pipe(z.number().min(600)).default(7 * 24 * 60 * 60),
  /** How far ahead of this host's clock a triggeredAt may be: clock skew between Lever and here. */
  WEBHOOK_MAX_FUTURE_SECONDS: int().pipe(z.number().min(0).max(3600)).default(300),
  /** Refused webhook requests per connection per minute before the rest get 429; acknowledged deliveries never count. */
  WEBHOOK_RATE_LIMIT_PER_MINUTE: int().pipe(z.number().min(1)).default(600),
  /** Days a webhook delivery's record is kept (the newest per webhook stays, for the console). */
  WEBHOOK_DELIVERY_RETENTION_DAYS: int().pipe(z.number().min(1)).default(30),
  REPORT_LINK_TTL_DAYS: int().pipe(z.number().min(1)).default(180),
  HIRE_LINK_TTL_DAYS: int().pipe(z.number().min(1)).default(30),
  /** Whose X-Forwarded-For gives a client's IP (src/trust-proxy.ts): a hop count or addresses/CIDRs. */
  TRUST_PROXY: str().pipe(TrustProxy).default(['loopback']),
  /** The portal's pages (candidate, referee, report, hire links): requests per window per link and per IP, then 429. */
  PORTAL_RATE_LIMIT_WINDOW_SECONDS: int().pipe(z.number().min(1)).default(600),
  PORTAL_RATE_LIMIT_PER_LINK: int().pipe(z.number().min(1)).default(200),
  PORTAL_RATE_LIMIT_PER_IP: int().pipe(z.number().min(1)).default(1000),
  /** Lever allows 10 req/s per key with bursts to 20; 9 leaves a tenth for network jitter (0 x 429 in `npm run bench`). */
  LEVER_REQUESTS_PER_SECOND: int().pipe(z.number().min(1).max(10)).default(9),
  LEVER_BURST: int().pipe(z.number().min(1).max(20)).default(15),
  /** How often the worker's schedule sweeps personal data past each connection's retention (default daily). */
  RETENTION_SWEEP_INTERVAL_SECONDS: int().pipe(z.number().min(60).max(7 * 86_400)).default(86_400),
  /**
   * How far ahead a Lever call may book its rate-limit slot; beyond it a call books nothing and asks again.
   * Well below the 2-minute activity timeout, so a booked slot is always used or costs at most this much.
   */
  LEVER_SLOT_HORIZON_MS: int().pipe(z.number().min(200).max(30_000)).default(5_000),
  /**
   * How long a run waits for what the candidate's page signalled (a nomination, a replacement) to commit.
   * The page signals inside its transaction, so that takes milliseconds; past this it was rolled back, and the
   * run waits for the candidate's next attempt instead.
   */
  PAGE_COMMIT_WAIT_SECONDS: int().pipe(z.number().min(1).max(86_400)).default(600),
  /**
   * Prometheus metrics, on a port of their own per process so a TLS proxy in front of PORT never serves them
   * (docs/operations.md, "Metrics"). 0 turns that process's metrics off; each process has its own key, so
   * all three can run on one host.
   */
  METRICS_HOST: str().default('127.0.0.1'),
  API_METRICS_PORT: int().pipe(z.number().min(0).max(65535)).default(0),
  /** The Temporal SDK's own exporter (worker slots, poll and schedule-to-start latencies); the worker's health check reads it too. */
  WORKER_METRICS_PORT: int().pipe(z.number().min(0).max(65535)).default(0),
  /**
   * Workflows the worker keeps in memory between their tasks (Temporal's sticky cache). Runs asleep for days
   * (the hire wait) are replayed from their history when they wake instead, so memory stays flat however many sleep
   * (issue 8, P5 in `npm run bench`). 0 turns the cache off.
   */
  WORKER_MAX_CACHED_WORKFLOWS: int().pipe(z.number().min(0).max(100_000)).default(100),
  /**
   * Lever calls one worker process runs at once (its Lever task queue's pool). A call waits here for its
   * connection's budget; beyond the pool, calls wait in Temporal's queue in arrival order, fairly across
   * connections. About LEVER_REQUESTS_PER_SECOND x LEVER_SLOT_HORIZON_MS is all one API key can book ahead.
   */
  WORKER_LEVER_ACTIVITY_SLOTS: int().pipe(z.number().min(1).max(1_000)).default(40),
  MAIL_LISTENER_METRICS_PORT: int().pipe(z.number().min(0).max(65535)).default(0),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Chromium on the worker, for connections that attach the report to Lever as a PDF; unset: those PDFs are skipped (and the console says so). */
  CHROMIUM_PATH: str().optional(),
  /** Text messages beside mail, for templates that turn them on: 'none' sends none (and says so), 'twilio' sends through Twilio. */
  SMS_PROVIDER: z.enum(['none', 'twilio']).default('none'),
  /** Twilio's API; the local stack points it at its SMS catcher. */
  TWILIO_API_URL: str().pipe(z.url()).default('https://api.twilio.com'),
  TWILIO_ACCOUNT_SID: str().optional(),
  TWILIO_AUTH_TOKEN: str().superRefine(rejectPlaceholder).optional(),
  /** The sender: a Twilio number in E.164 (SMS_FROM) or a Messaging Service (TWILIO_MESSAGING_SERVICE_SID), which wins. */
  SMS_FROM: str().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number, e.g. +15005550006').optional(),
  TWILIO_MESSAGING_SERVICE_SID: str().regex(/^MG[0-9a-fA-F]{32}$/, 'MG followed by 32 hex digits').optional(),
});

/** What one variable cannot say alone: a provider's credentials come together. */
const Env = EnvFields.superRefine((env, ctx) => {
  if (!env.INBOUND_SMTP_TLS_CERT_FILE !== !env.INBOUND_SMTP_TLS_KEY_FILE) {
    ctx.addIssue({ code: 'custom', path: [env.INBOUND_SMTP_TLS_CERT_FILE ? 'INBOUND_SMTP_TLS_KEY_FILE' : 'INBOUND_SMTP_TLS_CERT_FILE'], message: 'the STARTTLS certificate and key come together' });
  }
  if (env.SMS_PROVIDER !== 'twilio') return;
  for (const key of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN'] as const) {
    if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'required when SMS_PROVIDER=twilio' });
  }
  if (!env.SMS_FROM && !env.TWILIO_MESSAGING_SERVICE_SID) ctx.addIssue({ code: 'custom', path: ['SMS_FROM'], message: 'SMS_FROM or TWILIO_MESSAGING_SERVICE_SID is required when SMS_PROVIDER=twilio' });
});

export type Config = z.infer<typeof EnvFields>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    // Name the variable, never echo its value: some of them are secrets.
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  return parsed.data;
}

/**
 * The local stack's own settings (npm start, npm run demo): which parts to start and where.
 * DATABASE_URL / TEMPORAL_ADDRESS, when set, mean "use that one instead of starting one".
 */
const LocalEnv = z.object({
  DATABASE_URL: str().optional(),
  TEMPORAL_ADDRESS: str().optional(),
  PORT: int().default(3000),
  LOCAL_POSTGRES_PORT: int().default(5433),
  LOCAL_TEMPORAL_PORT: int().default(7233),
  LOCAL_TEMPORAL_UI_PORT: int().default(8233),
  LOCAL_MAIL_SMTP_PORT: int().default(1025),
  LOCAL_MAIL_WEB_PORT: int().default(1080),
  LOCAL_FAKE_LEVER_PORT: int().default(4010),
  INBOUND_SMTP_PORT: int().default(2525),
  /** The SMS catcher: Twilio's Messages API and a page listing every text. */
  LOCAL_SMS_PORT: int().default(4020),
  CHROMIUM_PATH: str().default('/usr/bin/chromium'),
});
export type LocalEnv = z.infer<typeof LocalEnv>;

export function loadLocalEnv(env: NodeJS.ProcessEnv = process.env): LocalEnv {
  const parsed = LocalEnv.safeParse(withoutEmpty(env));
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return parsed.data;
}

/** The environment a child process (api, worker) is started with, from a parsed config. */
export function toEnv(config: Partial<Config>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
}

/** glibc's malloc settings (src/malloc-env.ts) that `env` lacks or sets otherwise, as NAME=value: the worker warns of them. */
export const missingMallocEnv = (env: NodeJS.ProcessEnv = process.env): string[] =>
  Object.entries(MALLOC_ENV).filter(([name, value]) => env[name] !== value).map(([name, value]) => `${name}=${value}`);
