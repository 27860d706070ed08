import { createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { MemoryStore, type Options } from 'express-rate-limit';
import type { z } from 'zod';
import type { Config } from '../config';
import { WEBHOOK_EVENTS, type WebhookTarget } from '../db/connections';
import type { Delivery } from '../db/deliveries';
import { AppError, badRequest, unauthorized, unavailable } from '../errors';
import type { Logger } from '../logger';
import { verifyLeverSignature } from '../lever/signature';
import { WebhookBody, WebhookEnvelope } from '../lever/schemas';
import type { AppDeps } from './app';
import { countWebhook } from './metrics';
import { isOutage } from './outage';
import { DeliveryLog } from './delivery-log';
import { DeliveryTokens } from './delivery-tokens';
import { WebhookTargetCache } from './webhook-targets';
import { countRefusal, type RefusalReason } from './webhook-refusals';

/**
 * Connection ids are `c_` and 16 hex digits (console, CLI); tests and older ids use other short
 * prefixes. Anything else cannot be a connection: it is answered 404 before any query, so a NUL
 * byte or a 300-character id never reaches Postgres.
 */
const CONNECTION_ID = /^[A-Za-z0-9_-]{1,64}$/;
const isWebhookEvent = (event: string) => (WEBHOOK_EVENTS as readonly string[]).includes(event);

type Locals = { target: WebhookTarget; bodySha256?: Buffer; repeatedToken?: boolean };
type WebhookRequest = Request<{ connectionId: string; event: string }>;

/**
 * POST /webhooks/lever/:connectionId/:event — one URL per Lever webhook, each with its own token.
 * Order matters, cheapest refusal first: the path's shape, the connection, the rate limit, the
 * body's size and syntax, the signature, triggeredAt's window, the delivery token, and only then
 * the body's shape. Only deliveries that pass the token check are recorded (webhook_deliveries);
 * everything refused before is counted (webhook-refusals.ts).
 * The answer is 2xx only once Temporal holds the start or signal; 503 only when Postgres or Temporal
 * is down, so Lever retries. On the acknowledgement path: the connection (cached, webhook-targets.ts),
 * one Postgres round trip (the token) and the Temporal call; the delivery is recorded after answering.
 */
export function leverWebhookRouter(deps: AppDeps) {
  const router = express.Router();
  const path = '/webhooks/lever/:connectionId/:event';
  const targets = new WebhookTargetCache(deps.db, deps.box);
  const deliveries = new DeliveryLog(deps.db, deps.logger);
  const tokens = new DeliveryTokens(deps.db);
  router.post(
    path,
    findTarget(deps, targets),
    webhookRateLimit(deps.config, deps.logger),
    express.json({
      limit: deps.config.WEBHOOK_BODY_LIMIT_BYTES,
      type: () => true,
      // The raw bytes' hash: a Lever retry repeats them exactly; a replayed envelope with new `data` cannot.
      verify: (_req, res, buf) => {
        (res as Response<unknown, Locals>).locals.bodySha256 = createHash('sha256').update(buf).digest();
      },
    }),
    async (req: WebhookRequest, res: Response<unknown, Locals>) => {
      const { target } = res.locals;
      const delivery: Delivery & { trusted?: boolean } = { connectionId: target.id, event: req.params.event, opportunityId: null, outcome: 'received', httpStatus: 0 };
      try {
        const { status, body } = await handle(deps, tokens, target, req.params.event, req.body, res.locals, delivery);
        delivery.httpStatus = status;
        res.status(status).json(body);
      } catch (err) {
        if (err instanceof Refusal) {
          countRefusal(err.reason, deps.logger);
          // The connection is real, so its admin may need this (a wrong token, a clock far off); the limiter bounds these lines.
          deps.logger.warn({ connectionId: target.id, event: req.params.event, reason: err.reason }, `lever webhook refused: ${err.message}`);
        }
        const answer = err instanceof AppError ? err : isOutage(err) ? unavailable('Temporal or the database is unreachable; Lever will retry', err) : err;
        delivery.outcome = answer instanceof AppError ? answer.code : 'internal';
        delivery.httpStatus = answer instanceof AppError ? answer.status : 500;
        throw answer;
      } finally {
        if (delivery.trusted) countWebhook(delivery);
        // Written after the answer, not before (delivery-log.ts): a crash loses the log row, never the
        // start or signal, which Temporal already holds (Lever's retry of a lost answer lands on it as a duplicate).
        if (delivery.trusted) deliveries.add(delivery);
      }
    },
  );
  // Bodies the JSON parser refused (too large, not JSON, odd charset): counted, then answered by the error handler.
  router.use(path, (err: { type?: string }, _req: Request, _res: Response, next: NextFunction) => {
    if (typeof err?.type === 'string') countRefusal('unreadable', deps.logger);
    next(err);
  });
  // A path whose parameters cannot be decoded (`%zz`) cannot name a connection either: 404, not a 500.
  router.use('/webhooks/lever', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!(err instanceof URIError)) return next(err);
    countRefusal('no-such-url', deps.logger);
    res.status(404).json({ error: 'not_found', message: 'unknown connection' });
  });
  return router;
}

/** A refusal before the delivery could be trusted: counted, not recorded. */
class Refusal extends AppError {
  constructor(readonly reason: RefusalReason, err: AppError) {
    super(err.code, err.status, err.message);
  }
}

/** 404 for what cannot exist, answered here: no query for a malformed id, no log line per stranger's request. */
function findTarget(deps: AppDeps, targets: WebhookTargetCache) {
  return async (req: WebhookRequest, res: Response<unknown, Locals>, next: NextFunction) => {
    const { connectionId, event } = req.params;
    const refuse = (reason: RefusalReason, message: string) => {
      countRefusal(reason, deps.logger);
      res.status(404).json({ error: 'not_found', message });
    };
    if (!isWebhookEvent(event)) return refuse('no-such-url', 'unknown webhook event');
    if (!CONNECTION_ID.test(connectionId)) return refuse('no-such-url', 'unknown connection');
    let target: WebhookTarget | undefined;
    try {
      target = await targets.find(connectionId, event);
    } catch (err) {
      throw isOutage(err) ? unavailable('database unreachable', err) : err;
    }
    if (!target) return refuse('unknown-connection', 'unknown connection');
    res.locals.target = target;
    next();
  };
}

/**
 * Per connection, in this process. Only refused requests count (and repeated tokens, which are
 * Lever's retries or someone's replays): Lever's real deliveries are acknowledged and never
 * throttled however many a bulk action sends at once, while a flood of junk, forged or replayed
 * posts is capped. Under such a flood Lever's own deliveries get 429 too, and Lever retries them
 * later. The limit is checked before and counted after the answer (express-rate-limit's store):
 * counting every request up front and taking the good ones back would throttle a concurrent burst
 * of genuine deliveries before any of them had been answered.
 */
function webhookRateLimit(config: Config, logger: Logger) {
  const refusals = new MemoryStore();
  refusals.init({ windowMs: 60_000 } as Options);
  return async (req: Request, res: Response<unknown, Locals>, next: NextFunction) => {
    const key = (req as WebhookRequest).params.connectionId;
    if (((await refusals.get(key))?.totalHits ?? 0) >= config.WEBHOOK_RATE_LIMIT_PER_MINUTE) {
      countRefusal('rate-limited', logger);
      res.status(429).json({ error: 'rate_limited', message: 'too many refused deliveries for this connection; retry later' });
      return;
    }
    res.on('finish', () => {
      if (res.statusCode >= 400 || res.locals.repeatedToken) void refusals.increment(key);
    });
    next();
  };
}

async function handle(deps: AppDeps, tokens: DeliveryTokens, target: WebhookTarget, event: string, raw: unknown, locals: Locals, delivery: Delivery & { trusted?: boolean }) {
  if (!target.signingToken) throw new Refusal('unverified', unauthorized(`no signing token is configured for ${event} on this connection`));
  if (!verifyLeverSignature(target.signingToken, raw)) throw new Refusal('unverified', unauthorized());

  const envelope = WebhookEnvelope.safeParse(raw);
  if (!envelope.success) throw new Refusal('malformed-envelope', badRequest(`unexpected body: ${describeIssues(envelope.error)}`));
  const { triggeredAt, token } = envelope.data;
  // 401, not 400: the body is well-formed, but a signature this old (or from the future) no longer
  // proves that Lever sent it now; it may be a captured envelope replayed after its token was forgotten.
  const ageMs = Date.now() - triggeredAt;
  if (ageMs > deps.config.WEBHOOK_MAX_AGE_SECONDS * 1000 || -ageMs > deps.config.WEBHOOK_MAX_FUTURE_SECONDS * 1000) {
    throw new Refusal('stale', unauthorized('triggeredAt is outside the accepted window'));
  }
  // Lever signs only token + triggeredAt: a token seen with another body is an envelope replayed with forged data.
  // This is the one Postgres round trip left before the Temporal call, and it stays before it for every
  // event. Run beside the start, a replay with forged data would start a run for an opportunity of the
  // sender's choosing before being refused: the run confirms the stage in Lever, but it still writes the
  // console's row, spends the connection's Lever budget, and restarts a failed or terminated check whose
  // candidate sits in the trigger stage. Not harmless, so not done.
  // Deliveries arriving together share the statement (delivery-tokens.ts).
  const verdict = await tokens.remember({
    connectionId: target.id, tokenSha256: createHash('sha256').update(token).digest(), bodySha256: locals.bodySha256!, triggeredAt,
  });
  if (verdict === 'other-body') {
    throw new Refusal('replayed', unauthorized('this delivery was already received with another body'));
  }
  // The same body again is Lever retrying (perhaps after a 503): handled again, idempotently.
  locals.repeatedToken = verdict === 'same-body';
  delivery.trusted = true;
  delivery.triggeredAt = triggeredAt;

  const parsed = WebhookBody.safeParse(raw);
  if (!parsed.success) throw badRequest(`unexpected body: ${describeIssues(parsed.error)}`);
  const body = parsed.data;
  // Lever's "Verify the connection": a signed candidateHired with empty data, sent to whichever
  // webhook's URL the admin is verifying and signed with that webhook's token. Every URL says yes.
  if (body.event === 'candidateHired' && !('opportunityId' in body.data)) {
    delivery.outcome = 'ping';
    return { status: 200, body: { outcome: 'ping' } };
  }
  if (body.event !== event) throw badRequest(`body event "${body.event}" does not match the URL's "${event}"`);
  delivery.opportunityId = body.data.opportunityId;
  // A disabled connection still answers 2xx, so Lever does not retry or give up on the webhook.
  if (!target.enabled) {
    delivery.outcome = 'disabled';
    return { status: 200, body: { outcome: 'disabled' } };
  }
  return dispatch(deps, target, body, delivery);
}

async function dispatch(deps: AppDeps, target: WebhookTarget, body: WebhookBody, delivery: Delivery) {
  const done = (status: number, outcome: string) => {
    delivery.outcome = outcome;
    return { status, body: { outcome, workflowId: delivery.workflowId ?? undefined } };
  };
  switch (body.event) {
    case 'candidateStageChange': {
      const { triggerStageId } = target;
      if (!triggerStageId) return done(200, 'no-trigger-stage');
      if (body.data.toStageId !== triggerStageId) return done(200, 'ignored-stage');
      // A stray event for a finished check does nothing: Temporal answers for a run it remembers
      // (already-completed), and a run started after Temporal forgot it ends so as its first step.
      const { outcome, workflowId } = await deps.checks.start({ ...target, triggerStageId }, body.data.opportunityId, body.triggeredAt);
      delivery.workflowId = workflowId;
      return done(outcome === 'started' || outcome === 'restarted' ? 202 : 200, outcome);
    }
    case 'candidateHired': {
      if (!('opportunityId' in body.data)) return done(200, 'ping');
      // Lever signs the envelope, not the data: a hint the run confirms by reading Lever.
      const outcome = await deps.checks.leverHint(target.id, body.data.opportunityId, { event: 'hired' });
      return done(outcome === 'signalled' ? 202 : 200, outcome);
    }
    case 'candidateArchiveChange': {
      // Unarchiving changes nothing for a check; archiving stops it (or settles the hire question).
      // The reason is Lever's, read by the run, not the body's.
      if (!body.data.toArchived) return done(200, 'ignored-unarchive');
      const outcome = await deps.checks.leverHint(target.id, body.data.opportunityId, { event: 'archived' });
      return done(outcome === 'signalled' ? 202 : 200, outcome);
    }
    case 'candidateDeleted': {
      // A running check confirms the deletion with Lever and forgets the candidate itself; otherwise
      // a small run does, purging only once Lever answers 404 for the opportunity.
      const outcome = await deps.checks.leverHint(target.id, body.data.opportunityId, { event: 'deleted' });
      if (outcome === 'signalled') return done(202, outcome);
      delivery.workflowId = (await deps.checks.confirmDeletion(target.id, body.data.opportunityId)).workflowId;
      return done(202, 'confirming-deletion');
    }
  }
}

/** Field paths and messages only: the values may be personal data. */
const describeIssues = (e: z.ZodError) => e.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
