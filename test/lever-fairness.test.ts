import { LEVER_RESOURCES } from '../src/fake-lever/server';
import { addConnection, seedCandidates } from './bench/kit';
import { until } from './helpers/journey';
import { API_KEY, candidateEmail, startStack, TRIGGER_STAGE, type Stack } from './helpers/stack';

/**
 * Two organisations share refcheck's workers; each has its own Lever key (so its own budget).
 * One moves a batch of candidates at once: its Lever calls queue, since its key allows 2 a second
 * here and the worker's Lever pool holds 2 calls. Another organisation's candidate arriving
 * meanwhile must not queue behind them (each connection's runs carry a fairness key), and the batch
 * itself is invited in the order it arrived (the Lever task queue keeps the calls beyond the pool in order).
 */
const OTHER_KEY = 'other-organisation-key';
const BATCH = 24;
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ leverRequestsPerSecond: 2, workerLeverActivitySlots: 2, keyPermissions: { [API_KEY]: LEVER_RESOURCES, [OTHER_KEY]: LEVER_RESOURCES } });
});
afterAll(() => stack?.close());

const invitedAt = (opp: string) => stack.catcher.messages.find((m) => m.to.includes(candidateEmail(opp)))?.receivedAt.getTime();

test("when one organisation moves 24 candidates at once, another's candidate is invited without waiting behind them, and the 24 are invited in the order they moved", async () => {
  const batch = Array.from({ length: BATCH }, (_, i) => stack.seedCandidate(`opp-batch-${String(i).padStart(2, '0')}`));
  for (const opp of batch) {
    expect((await stack.deliver('candidateStageChange', { opportunityId: opp, toStageId: TRIGGER_STAGE })).status).toBe(202);
  }
  const other = await addConnection(stack, OTHER_KEY);
  const [bystander] = seedCandidates(stack, other, 1);
  await until('the batch under way', () => batch.some((opp) => invitedAt(opp) !== undefined), 30_000);
  const sent = Date.now();
  const path = `/webhooks/lever/${other.connectionId}/candidateStageChange`;
  expect((await stack.deliver('candidateStageChange', { opportunityId: bystander, toStageId: TRIGGER_STAGE }, { token: other.tokens.candidateStageChange, path })).status).toBe(202);

  await until('the other organisation\'s invitation', () => invitedAt(bystander), 60_000);
  await until('the whole batch invited', () => batch.every((opp) => invitedAt(opp) !== undefined), 120_000);
  const waited = invitedAt(bystander)! - sent;
  const batchLeftAfter = Math.max(...batch.map((opp) => invitedAt(opp)!)) - sent;
  process.stdout.write(`other organisation's candidate invited after ${waited} ms; the batch's last ${batchLeftAfter} ms after it was sent\n`);
  // Behind the batch it would wait for the rest of it (over 10 s of Lever calls at 2/s).
  expect(batchLeftAfter).toBeGreaterThan(8_000);
  expect(waited).toBeLessThan(batchLeftAfter / 2);

  // First come, first served: every one of the first third is invited before any of the last third.
  const order = [...batch].sort((a, b) => invitedAt(a)! - invitedAt(b)!);
  const third = BATCH / 3;
  for (const early of batch.slice(0, third)) expect(order.indexOf(early)).toBeLessThan(BATCH - third);
  expect(Math.max(...batch.slice(0, third).map((o) => invitedAt(o)!))).toBeLessThanOrEqual(Math.min(...batch.slice(-third).map((o) => invitedAt(o)!)));
}, 180_000);
