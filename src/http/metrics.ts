import type { RequestHandler } from 'express';
import { Counter, Histogram } from 'prom-client';
import { registry } from '../metrics';
import { PORTAL_PATHS } from './portal-rate-limit';
import { REFUSAL_REASONS, refusedWebhookCounts } from './webhook-refusals';

/**
 * The api's own metrics. Every label comes from a closed set (events, outcomes, refusal reasons,
 * page names, status codes): never a connection id, an opportunity id or a link from the path, so
 * a stranger's requests cannot grow the series and no personal data reaches Prometheus.
 */
const webhooks = new Counter({
  name: 'refcheck_lever_webhooks_total',
  help: 'Lever webhook deliveries past the signature and token checks, by event and outcome (started, ignored-stage, signalled, unavailable, ...)',
  labelNames: ['event', 'outcome'] as const,
  registers: [registry],
});

new Counter({
  name: 'refcheck_lever_webhooks_refused_total',
  help: 'Lever webhook requests refused before they could be trusted, by reason (src/http/webhook-refusals.ts)',
  labelNames: ['reason'] as const,
  registers: [registry],
  collect() {
    const counts = refusedWebhookCounts();
    this.reset();
    for (const reason of REFUSAL_REASONS) this.inc({ reason }, counts[reason]);
  },
});

const webhookAck = new Histogram({
  name: 'refcheck_lever_webhook_ack_seconds',
  help: 'From a Lever webhook request to its answer (Temporal holds the start or signal when 2xx), by status',
  labelNames: ['status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

const portalRequests = new Counter({
  name: 'refcheck_portal_requests_total',
  help: 'Requests to the pages behind signed links, by page (candidate, referee/answer, reports, ...) and status',
  labelNames: ['page', 'status'] as const,
  registers: [registry],
});

/** A delivery's final outcome, once per request (Lever's retries count again: each is a request it made). */
export function countWebhook(delivery: { event: string | null; outcome: string }): void {
  webhooks.inc({ event: delivery.event ?? 'none', outcome: delivery.outcome });
}

/** Mounted on /webhooks/lever before everything else, so refusals and 503s are timed too. */
export function timeWebhookAcks(): RequestHandler {
  return (_req, res, next) => {
    const end = webhookAck.startTimer();
    res.once('finish', () => end({ status: String(res.statusCode) }));
    next();
  };
}

/** The actions a portal path may name after its link; anything else in a path is a token, an id or junk. */
const PORTAL_ACTIONS = new Set(['nominate', 'replace', 'answer', 'decline', 'withdraw']);
const PORTAL_PAGES = PORTAL_PATHS.map((p) => p.slice(1));

/** Mounted on PORTAL_PATHS before the rate limit, so its 429s count too. */
export function countPortalRequests(): RequestHandler {
  return (req, res, next) => {
    const base = req.baseUrl.slice(1).toLowerCase();
    const action = req.path.split('/').find((part) => PORTAL_ACTIONS.has(part));
    const page = PORTAL_PAGES.includes(base) ? (action ? `${base}/${action}` : base) : 'other';
    res.once('finish', () => portalRequests.inc({ page, status: String(res.statusCode) }));
    next();
  };
}
