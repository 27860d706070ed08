import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import express, { type NextFunction, type Request, type Response } from 'express';
import { FaultQueue, type FaultSpec } from './faults';
import { fakeState, PAGE_CSP, renderPage } from './page';
import { accessFor, forbidden, type KeyPermissions, resourceOf, setAccess, verbOf } from './permissions';
import { settingsRoutes } from './settings-page';
import { TokenBuckets } from './rate-limit';
import { codeFor, loseResponse, sendError } from './respond';
import { leverRoutes } from './routes';
import { LeverFault, Store, type Archived, type DeliveryRecord, type OpportunityInput, type PostingInput, type RequestRecord, type UserInput, type WriteRecord } from './store';
import { ZodError } from 'zod';
import { controlRoutes } from './control';
import { signWebhook } from './webhook';
import { type VerifyResult, type WebhookEvent, Webhooks, type WebhookSetting } from './webhooks';

export { seedDemo, DEMO } from './demo-seed';
export type { FaultSpec } from './faults';
export type { LeverWebhookBody } from './webhook';
export type { KeyPermissions, LeverResource } from './permissions';
export { LEVER_RESOURCES } from './permissions';
export type { VerifyResult, WebhookEvent, WebhookSetting } from './webhooks';
export { WEBHOOK_EVENTS } from './webhooks';

export type FakeLeverOptions = {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  apiKeys?: string[];
  ratePerSecond?: number;
  burst?: number;
  /**
   * API key → the resources it may use (read and write), e.g. `{ 'ro-key': ['opportunities', 'stages'] }`.
   * Keys not in the map may use everything; keys in it are accepted even if not in `apiKeys`. Without 'confidential', confidential postings and
   * opportunities are refused (403) and left out of lists.
   */
  keyPermissions?: KeyPermissions;
};

export interface FakeLever {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:45123/v1`. */
  readonly url: string;
  /** Without `/v1`: the human page is at `${origin}/`. */
  readonly origin: string;
  close(): Promise<void>;

  addUser(u: UserInput): void;
  addPosting(p: PostingInput): void;
  addOpportunity(o: OpportunityInput): void;
  setStage(opportunityId: string, stageId: string): void;
  /** As a recruiter archiving in Lever's UI (`null` unarchives), without sending the webhook. */
  archive(opportunityId: string, reasonId: string | null): void;
  /** As a recruiter deleting the candidate in Lever's UI, without sending the webhook: reads then answer 404. */
  deleteOpportunity(opportunityId: string): void;

  notes(opportunityId: string): { id: string; value: string; createdAt: number }[];
  links(opportunityId: string): string[];
  /** As Lever shows them: own tags plus the posting's. */
  tags(opportunityId: string): string[];
  archived(opportunityId: string): Archived | null;
  /** Uploaded files, content included. */
  files(opportunityId: string): { id: string; name: string; size: number; mimeType: string; content: Buffer }[];
  /** Every webhook delivery the fake made (events, verify test deliveries), with the status it got. */
  readonly deliveries: readonly DeliveryRecord[];

  /** The settings page's webhooks (one per event); the same as `GET /_fake/webhooks`. */
  webhookSettings(): WebhookSetting[];
  /** As `PUT /_fake/webhooks/:event`: `null` removes it; without `signingToken` the fake generates one. */
  setWebhook(event: WebhookEvent, url: string | null, signingToken?: string): WebhookSetting;
  /** The settings page's "Verify": `null` when no URL is saved for `event`. */
  verifyWebhook(event: WebhookEvent): Promise<VerifyResult | null>;
  /** Every API request received, 429s included; API keys are not kept. */
  readonly requests: readonly RequestRecord[];
  readonly writes: readonly WriteRecord[];
  count429(): number;
  /** Clears the request and write logs (not data, faults or rate limits). */
  reset(): void;
  /** Gives every API key a full bucket again. */
  resetRateLimits(): void;

  injectFault(spec: FaultSpec): void;
  clearFaults(): void;
  signWebhook: typeof signWebhook;

  /** The underlying data, for assertions the helpers above do not cover. */
  readonly store: Store;
}

export async function startFakeLever(opts: FakeLeverOptions = {}): Promise<FakeLever> {
  const host = opts.host ?? '127.0.0.1';
  // A key given only in `keyPermissions` is a valid key too, with just those permissions.
  const apiKeys = new Set([...(opts.apiKeys ?? ['test-api-key']), ...Object.keys(opts.keyPermissions ?? {})]);
  const store = new Store();
  const webhooks = new Webhooks(store);
  const buckets = new TokenBuckets(opts.ratePerSecond ?? 10, opts.burst ?? 20);
  const faults = new FaultQueue();
  // Aborts injected delays on close, so a pending `delayMs` does not hold the process open.
  const closing = new AbortController();
  let origin = '';

  const api = express.Router();
  api.use((req, res, next) => {
    const at = Date.now();
    const entry = { method: req.method, path: req.path, query: new URL(req.originalUrl, 'http://fake.invalid').search };
    let logged = false;
    // `close` without `finish` means the client went away first (e.g. it timed out): status 0.
    const log = () => {
      if (logged) return;
      logged = true;
      store.requests.push({ ...entry, status: res.writableFinished ? res.statusCode : 0, at });
    };
    res.on('finish', log);
    res.on('close', log);
    next();
  });
  // Auth first, so a bad key costs the real key's bucket nothing.
  api.use((req, res, next) => {
    const key = apiKeyOf(req.headers.authorization);
    if (key === null) return sendError(res, 401, 'Missing or malformed credentials: use HTTP Basic with the API key as username and an empty password');
    if (!apiKeys.has(key)) return sendError(res, 401, 'Invalid API key');
    if (!buckets.take(key)) return sendError(res, 429, 'Rate limit exceeded');
    const access = accessFor(opts.keyPermissions, key);
    setAccess(res, access);
    const resource = resourceOf(req.path);
    if (resource && !access.can(resource)) return next(forbidden(`This API key does not have permission to ${verbOf(req.method)} ${resource}`));
    next();
  });
  // The body is read before any injected delay, so a client that times out during the delay still
  // gets its write committed (as with a real server that had the request); a parse error waits its turn.
  const json = express.json();
  api.use((req, res, next) => json(req, res, (err?: unknown) => {
    res.locals.bodyError = err;
    next();
  }));
  api.use(async (req, res, next) => {
    const fault = faults.take(req.method, req.path);
    if (!fault) return next();
    if (fault.delayMs > 0) await sleep(fault.delayMs, undefined, { signal: closing.signal });
    if (fault.status === null) return next();
    if (fault.afterWrite) {
      loseResponse(res, fault.status);
      return next();
    }
    sendError(res, fault.status, fault.status === 429 ? 'Rate limit exceeded' : 'Injected fault', codeFor(fault.status));
  });
  api.use((_req, res, next) => next(res.locals.bodyError));
  api.use(leverRoutes(store, () => origin));

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use('/v1', api);
  app.get('/', (_req, res) => {
    res.set('content-security-policy', PAGE_CSP).type('html').send(renderPage(store, origin));
  });
  app.get('/_fake/state', (_req, res) => void res.json(fakeState(store, origin)));
  app.use('/_fake', settingsRoutes(webhooks));
  app.use('/_fake', controlRoutes(store, webhooks));
  app.use((req, res) => sendError(res, 404, `No route ${req.method} ${req.path}`));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof LeverFault) return sendError(res, err.status, err.message, err.code);
    if (err instanceof ZodError) return sendError(res, 400, `invalid body: ${err.issues.map((i) => i.path.join('.')).join(', ')}`);
    // body-parser's errors (malformed JSON, oversized body) carry a 4xx status.
    const status = (err as { status?: unknown } | null)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) return sendError(res, 400, `invalid body: ${(err as Error).message}`);
    sendError(res, 500, 'Internal error in the fake Lever');
  });

  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  origin = `http://${urlHost}:${port}`;

  return {
    url: `${origin}/v1`,
    origin,
    store,
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
    addUser: (u) => void store.addUser(u),
    addPosting: (p) => void store.addPosting(p),
    addOpportunity: (o) => void store.addOpportunity(o),
    setStage: (id, stageId) => store.setStage(id, stageId),
    archive: (id, reasonId) => store.setArchived(id, reasonId),
    deleteOpportunity: (id) => void store.deleteOpportunity(id),
    notes: (id) => store.opportunity(id).notes.map(({ id: noteId, value, createdAt }) => ({ id: noteId, value, createdAt })),
    links: (id) => [...store.linksOf(store.opportunity(id))],
    tags: (id) => store.tagsOf(store.opportunity(id)),
    archived: (id) => {
      const a = store.opportunity(id).archived;
      return a ? { ...a } : null;
    },
    files: (id) => store.opportunity(id).files.map(({ id: fileId, name, size, mimeType, content }) => ({ id: fileId, name, size, mimeType, content: Buffer.from(content) })),
    get deliveries() {
      return store.deliveries.map((d) => ({ ...d }));
    },
    webhookSettings: () => webhooks.list(),
    setWebhook: (event, url, signingToken) => webhooks.save(event, url, signingToken),
    verifyWebhook: (event) => webhooks.verify(event),
    get requests() {
      return [...store.requests];
    },
    get writes() {
      return [...store.writes];
    },
    count429: () => store.requests.filter((r) => r.status === 429).length,
    reset: () => {
      store.requests.length = 0;
      store.writes.length = 0;
    },
    resetRateLimits: () => buckets.reset(),
    injectFault: (spec) => faults.add(spec),
    clearFaults: () => faults.clear(),
    signWebhook,
  };
}

/** HTTP Basic with the key as username and an empty password; anything else is no credential. */
function apiKeyOf(header: string | undefined): string | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon !== decoded.length - 1) return null;
  return decoded.slice(0, colon);
}
