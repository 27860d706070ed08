import { listDeliveries, purgeExpiredDeliveries } from '../src/db/deliveries';
import { webhookStatuses } from '../src/db/console-connections';
import { purgeExpiredWebhookTokens } from '../src/db/webhook-tokens';
import { TRIGGER_STAGE, startStack, type Stack } from './helpers/stack';

/**
 * What the retention sweep calls: deliveries older than WEBHOOK_DELIVERY_RETENTION_DAYS go (the
 * console keeps each webhook's newest delivery and ping), and delivery tokens go once the
 * triggeredAt window alone refuses their envelopes.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack.close());

const DAY_MS = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);
/** Ages this connection's deliveries, as if received `days` ago. */
const age = (days: number) => stack.db.query('update webhook_deliveries set received_at = $2 where connection_id = $1', [stack.connectionId, daysAgo(days)]);

/** The ingress records a delivery just after answering it. */
async function waitForDeliveries(n: number) {
  for (let i = 0; i < 100 && (await listDeliveries(stack.db, stack.connectionId)).length < n; i++) await new Promise((r) => setTimeout(r, 20));
}

test('old deliveries are purged, except the newest delivery and ping of each webhook, which the console shows', async () => {
  expect((await stack.deliver('candidateHired', {})).body).toEqual({ outcome: 'ping' });
  for (const opp of ['opp-r1', 'opp-r2', 'opp-r3']) expect((await stack.deliver('candidateHired', { opportunityId: opp })).status).toBe(200);
  expect((await stack.deliver('candidateStageChange', { opportunityId: 'opp-r4', toStageId: 'stage-offer' })).status).toBe(200);
  await waitForDeliveries(5);
  await age(40);
  const before = await webhookStatuses(stack.db, stack.connectionId);

  expect(await purgeExpiredDeliveries(stack.db, daysAgo(stack.config.WEBHOOK_DELIVERY_RETENTION_DAYS))).toBeGreaterThanOrEqual(2);

  const left = await listDeliveries(stack.db, stack.connectionId);
  expect(left.map((r) => [r.event, r.outcome, r.opportunity_id])).toEqual([
    ['candidateHired', 'ping', null],
    ['candidateHired', 'no-run', 'opp-r3'],
    ['candidateStageChange', 'ignored-stage', 'opp-r4'],
  ]);
  expect(await webhookStatuses(stack.db, stack.connectionId)).toEqual(before);
  // A newer delivery, within retention, stays; the old one it replaces as the newest goes.
  expect((await stack.deliver('candidateStageChange', { opportunityId: 'opp-r5', toStageId: TRIGGER_STAGE })).status).toBe(202);
  await waitForDeliveries(4);
  await purgeExpiredDeliveries(stack.db, daysAgo(stack.config.WEBHOOK_DELIVERY_RETENTION_DAYS));
  expect((await listDeliveries(stack.db, stack.connectionId)).map((r) => r.opportunity_id)).toEqual([null, 'opp-r3', 'opp-r5']);
});

test('a delivery token is kept while its envelope could be replayed, and purged once the window refuses it anyway', async () => {
  const triggeredAt = Date.now() - 2 * DAY_MS;
  const captured = stack.fake.signWebhook('candidateHired', { opportunityId: 'opp-t1' }, stack.signingTokens.candidateHired, { triggeredAt });
  expect((await stack.deliver('candidateHired', {}, { body: captured })).status).toBe(200);
  const cutoff = () => new Date(Date.now() - stack.config.WEBHOOK_MAX_AGE_SECONDS * 1000);

  await purgeExpiredWebhookTokens(stack.db, cutoff());
  expect((await stack.deliver('candidateHired', {}, { body: { ...captured, data: { opportunityId: 'opp-t2' } } })).status).toBe(401);

  // Once the window has passed, the age check alone refuses the envelope, and its token can go.
  expect(await purgeExpiredWebhookTokens(stack.db, new Date(triggeredAt + 1))).toBeGreaterThanOrEqual(1);
  const [{ n }] = await stack.db.query<{ n: number }>('select count(*)::int as n from webhook_delivery_tokens where connection_id = $1 and triggered_at <= $2', [stack.connectionId, new Date(triggeredAt)]);
  expect(n).toBe(0);
});
