import express, { type Request } from 'express';
import { z } from 'zod';
import { badRequest, LeverFault, type Store } from './store';
import { WEBHOOK_EVENTS, type WebhookEvent, type Webhooks } from './webhooks';

/**
 * /_fake: what a recruiter or admin does in Lever's own UI, for the demo and local trials.
 * Webhook settings mirror Lever's settings page (see webhooks.ts; the HTML form is in
 * settings-page.ts); moving, hiring, archiving or deleting a candidate fires the signed webhooks
 * Lever would send. Local developer tool: no auth, never exposed.
 */
const Event = z.enum(WEBHOOK_EVENTS);
const Subscription = z.object({ event: Event, url: z.url(), signingToken: z.string().min(8) });
const Setting = z.object({ url: z.url().nullable(), signingToken: z.string().min(8).optional() });
const NewCandidate = z.object({
  id: z.string().min(1), name: z.string().min(1), emails: z.array(z.string()), stage: z.string(), owner: z.string().optional(), postingId: z.string().optional(),
  phones: z.array(z.object({ value: z.string().min(1), type: z.string().nullable().default(null) })).optional(),
});

export function controlRoutes(store: Store, webhooks: Webhooks): express.Router {
  const r = express.Router();
  r.use(express.json());
  const eventOf = (req: Request): WebhookEvent => {
    const parsed = Event.safeParse(req.params.event);
    if (!parsed.success) throw new LeverFault(404, 'ResourceNotFound', `webhook event ${String(req.params.event)} is not one of ${WEBHOOK_EVENTS.join(', ')}`);
    return parsed.data;
  };
  /** The person's ids as Lever's webhooks carry them; `candidateId` is the deprecated alias of `opportunityId`. */
  const ids = (id: string) => ({ opportunityId: id, candidateId: id, contactId: store.opportunity(id).contact });

  r.get('/webhooks', (_req, res) => void res.json({ data: webhooks.list(), apiSubscriptions: webhooks.subscriptions.map(({ event, url }) => ({ event, url })) }));
  r.put('/webhooks/:event', (req, res) => {
    const { url, signingToken } = Setting.parse(req.body);
    res.json({ data: webhooks.save(eventOf(req), url, signingToken) });
  });
  r.post('/webhooks/:event/verify', async (req, res) => {
    const event = eventOf(req);
    const result = await webhooks.verify(event);
    if (!result) throw badRequest(`no URL is saved for ${event}`);
    res.json({ data: result });
  });
  // A webhook created over Lever's Webhooks API: one more endpoint for the event.
  r.post('/webhooks', (req, res) => {
    const s = Subscription.parse(req.body);
    webhooks.subscribe(s);
    res.status(201).json({ data: { event: s.event, url: s.url } });
  });

  r.post('/opportunities', (req, res) => {
    const o = NewCandidate.parse(req.body);
    store.addOpportunity(o);
    res.status(201).json({ data: { id: o.id } });
  });
  r.post('/opportunities/:id/stage', async (req, res) => {
    const stage = z.object({ stage: z.string() }).parse(req.body).stage;
    const from = store.opportunity(req.params.id).stage;
    store.setStage(req.params.id, stage);
    const deliveries = await webhooks.fire('candidateStageChange', { ...ids(req.params.id), fromStageId: from, toStageId: stage });
    res.json({ data: { deliveries } });
  });
  r.post('/opportunities/:id/hire', async (req, res) => {
    const reason = store.archiveReasons.find((a) => a.type === 'hired');
    if (!reason) throw badRequest('no hired archive reason');
    store.setArchived(req.params.id, reason.id);
    const deliveries = await webhooks.fire('candidateHired', ids(req.params.id));
    res.json({ data: { deliveries } });
  });
  // `reason: null` unarchives. Only candidateArchiveChange is sent, even for a hired reason (use /hire for candidateHired).
  r.post('/opportunities/:id/archive', async (req, res) => {
    const { reason } = z.object({ reason: z.string().min(1).nullable() }).parse(req.body);
    const from = store.opportunity(req.params.id).archived;
    store.setArchived(req.params.id, reason);
    const to = store.opportunity(req.params.id).archived;
    const deliveries = await webhooks.fire('candidateArchiveChange', { ...ids(req.params.id), fromArchived: from && { ...from }, toArchived: to && { ...to } });
    res.json({ data: { deliveries } });
  });
  r.delete('/opportunities/:id', async (req, res) => {
    const { deletedBy } = z.object({ deletedBy: z.string().min(1).optional() }).parse(req.body ?? {});
    if (deletedBy !== undefined) store.user(deletedBy);
    const data = { ...ids(req.params.id), deletedBy: deletedBy ?? null };
    store.deleteOpportunity(req.params.id);
    const deliveries = await webhooks.fire('candidateDeleted', data);
    res.json({ data: { deliveries } });
  });
  return r;
}
