import express from 'express';
import { z } from 'zod';
import { badRequest, type Store } from './store';
import { signWebhook } from './webhook';

/**
 * /_fake: what a recruiter does in Lever's own UI, for the demo and local trials. Subscribing a
 * webhook mirrors Lever's settings page; moving a candidate or hiring one fires the signed
 * webhooks Lever would send. Local developer tool: no auth, never exposed.
 */
const Subscription = z.object({ event: z.enum(['candidateStageChange', 'candidateHired']), url: z.url(), signingToken: z.string().min(8) });
const NewCandidate = z.object({ id: z.string().min(1), name: z.string().min(1), emails: z.array(z.string()), stage: z.string(), owner: z.string().optional(), postingId: z.string().optional() });

export function controlRoutes(store: Store): express.Router {
  const subscriptions: z.infer<typeof Subscription>[] = [];
  const fire = async (event: string, data: object) => {
    for (const s of subscriptions.filter((x) => x.event === event)) {
      const body = signWebhook(event, data, s.signingToken);
      const res = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'Lever-Webhooks' }, body: JSON.stringify(body) });
      store.deliveries.push({ event, url: s.url, status: res.status, at: Date.now() });
    }
  };

  const r = express.Router();
  r.use(express.json());
  r.post('/webhooks', (req, res) => {
    const s = Subscription.parse(req.body);
    subscriptions.push(s);
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
    await fire('candidateStageChange', { opportunityId: req.params.id, candidateId: req.params.id, fromStageId: from, toStageId: stage });
    res.json({ data: { deliveries: store.deliveries.slice(-subscriptions.length) } });
  });
  r.post('/opportunities/:id/hire', async (req, res) => {
    const reason = store.archiveReasons.find((a) => a.type === 'hired');
    if (!reason) throw badRequest('no hired archive reason');
    store.setArchived(req.params.id, reason.id);
    await fire('candidateHired', { opportunityId: req.params.id, candidateId: req.params.id });
    res.json({ data: { deliveries: store.deliveries.slice(-subscriptions.length) } });
  });
  return r;
}
