import express, { type Request, type Response } from 'express';
import type { z } from 'zod';
import { findWebhookTarget, WEBHOOK_EVENTS, type WebhookTarget } from '../db/connections';
import { recordDelivery, type Delivery } from '../db/deliveries';
import { hasConcludedCheck } from '../db/requests';
import { AppError, badRequest, notFound, unauthorized, unavailable } from '../errors';
import { verifyLeverSignature } from '../lever/signature';
import { WebhookBody } from '../lever/schemas';
import type { AppDeps } from './app';

/**
 * POST /webhooks/lever/:connectionId/:event — one URL per Lever webhook, each with its own token.
 * Order matters: find the token, verify the signature, and only then trust the body's shape.
 * The answer is 2xx only once Temporal holds the start or signal; 503 otherwise, so Lever retries.
 */
export function leverWebhookRouter(deps: AppDeps) {
  const router = express.Router();
  router.post(
    '/webhooks/lever/:connectionId/:event',
    express.json({ limit: deps.config.WEBHOOK_BODY_LIMIT_BYTES, type: () => true }),
    async (req: Request<{ connectionId: string; event: string }>, res: Response) => {
      const { connectionId, event } = req.params;
      const delivery: Delivery = { connectionId, event, opportunityId: null, outcome: 'received', httpStatus: 0 };
      try {
        const { status, body } = await handle(deps, req.params, req.body, delivery);
        delivery.httpStatus = status;
        res.status(status).json(body);
      } catch (err) {
        const appErr = err instanceof AppError ? err : unavailable('Temporal or the database is unreachable; Lever will retry', err);
        delivery.outcome = appErr.code;
        delivery.httpStatus = appErr.status;
        throw appErr;
      } finally {
        await record(deps, delivery);
      }
    },
  );
  // Bodies the JSON parser refused (too large, not JSON) never reach the handler: record them here.
  router.use('/webhooks/lever/:connectionId/:event', async (err: { status?: number; type?: string }, req: Request, _res: Response, next: (e: unknown) => void) => {
    const { connectionId, event } = req.params as { connectionId: string; event: string };
    await record(deps, { connectionId, event, opportunityId: null, outcome: err?.type ?? 'error', httpStatus: err?.status ?? 500 });
    next(err);
  });
  return router;
}

async function handle(deps: AppDeps, params: { connectionId: string; event: string }, raw: unknown, delivery: Delivery) {
  if (!(WEBHOOK_EVENTS as readonly string[]).includes(params.event)) throw notFound(`unknown webhook event "${params.event}"`);
  const target = await findWebhookTarget(deps.db, deps.box, params.connectionId, params.event).catch((err) => {
    throw unavailable('database unreachable', err);
  });
  if (!target) throw notFound('unknown connection');
  if (!target.signingToken) throw unauthorized(`no signing token is configured for ${params.event} on this connection`);
  if (!verifyLeverSignature(target.signingToken, raw)) throw unauthorized();

  const parsed = WebhookBody.safeParse(raw);
  if (!parsed.success) throw badRequest(`unexpected body: ${describeIssues(parsed.error)}`);
  const body = parsed.data;
  delivery.triggeredAt = body.triggeredAt;
  // Lever's "Verify the connection": a signed candidateHired with empty data, sent to whichever
  // webhook's URL the admin is verifying and signed with that webhook's token. Every URL says yes.
  if (body.event === 'candidateHired' && !('opportunityId' in body.data)) {
    delivery.outcome = 'ping';
    return { status: 200, body: { outcome: 'ping' } };
  }
  if (body.event !== params.event) throw badRequest(`body event "${body.event}" does not match the URL's "${params.event}"`);
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
      // A stray event for a finished check starts nothing, even after Temporal has forgotten the run.
      if (await hasConcludedCheck(deps.db, target.id, body.data.opportunityId)) return done(200, 'already-completed');
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

async function record(deps: AppDeps, delivery: Delivery) {
  try {
    await recordDelivery(deps.db, delivery);
  } catch (err) {
    // Temporal already holds what mattered; a lost log row must not turn into a Lever retry.
    deps.logger.error({ err: (err as Error).message }, 'could not record webhook delivery');
  }
  deps.logger.info({ connectionId: delivery.connectionId, event: delivery.event, opportunityId: delivery.opportunityId, outcome: delivery.outcome, status: delivery.httpStatus }, 'lever webhook');
}

/** Field paths and messages only: the values may be personal data. */
const describeIssues = (e: z.ZodError) => e.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
