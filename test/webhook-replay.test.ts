import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { listDeliveries } from '../src/db/deliveries';
import { buildApp } from '../src/http/app';
import { referenceCheckWorkflowId } from '../workflows/definitions';
import { startStack, TRIGGER_STAGE, type Stack, unreachableTemporal } from './helpers/stack';

/**
 * Finding 1, the ingress half: Lever signs only `token + triggeredAt`, so a captured delivery
 * verifies with any `data`. The ingress remembers each delivery's token with its body and refuses
 * the token with another body; it refuses envelopes outside the triggeredAt window. No worker runs:
 * these tests are about what the ingress hands to Temporal.
 */
let stack: Stack;
const logLines: string[] = [];
beforeAll(async () => {
  stack = await startStack({ worker: false, logLines });
});
afterAll(() => stack.close());

const DAY_MS = 24 * 60 * 60 * 1000;
const stageChange = (opportunityId: string) => ({ opportunityId, toStageId: TRIGGER_STAGE, fromStageId: 'stage-new' });
const post = (path: string, body: unknown) =>
  fetch(`${stack.apiUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    .then(async (res) => ({ status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, string> | undefined }));
const urlOf = (event: string) => `/webhooks/lever/${stack.connectionId}/${event}`;

async function describeOrUndefined(opportunityId: string) {
  try {
    return await stack.client.workflow.getHandle(referenceCheckWorkflowId(stack.connectionId, opportunityId)).describe();
  } catch {
    return undefined;
  }
}

/** The signals a run has received, read from its history (no worker is needed for that). */
async function signalsOf(opportunityId: string): Promise<string[]> {
  const history = await stack.client.workflow.getHandle(referenceCheckWorkflowId(stack.connectionId, opportunityId)).fetchHistory();
  return (history.events ?? []).flatMap((e) => (e.workflowExecutionSignaledEventAttributes ? [e.workflowExecutionSignaledEventAttributes.signalName ?? ''] : []));
}

async function runningCheck(opportunityId: string) {
  expect((await stack.deliver('candidateStageChange', stageChange(opportunityId))).status).toBe(202);
  expect((await describeOrUndefined(opportunityId))?.status.name).toBe('RUNNING');
}

describe('a captured envelope re-sent with other data', () => {
  test('when a stage change is re-sent for another opportunity, then 401, nothing starts and nothing is recorded', async () => {
    const captured = stack.fake.signWebhook('candidateStageChange', stageChange('opp-captured'), stack.signingTokens.candidateStageChange);
    expect((await post(urlOf('candidateStageChange'), captured)).status).toBe(202);

    const replayed = await post(urlOf('candidateStageChange'), { ...captured, data: stageChange('opp-chosen-by-attacker') });
    expect(replayed).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(await describeOrUndefined('opp-chosen-by-attacker')).toBeUndefined();
    const rows = await listDeliveries(stack.db, stack.connectionId);
    expect(rows.filter((r) => r.opportunity_id === 'opp-chosen-by-attacker')).toEqual([]);

    // Logged as a warning naming the connection and event, never the token or the body.
    const logged = logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toContainEqual(expect.objectContaining({ connectionId: stack.connectionId, event: 'candidateStageChange', level: 40, msg: expect.stringContaining('another body') }));
    const all = logLines.join('\n');
    expect(all).not.toContain(captured.token);
    expect(all).not.toContain('opp-chosen-by-attacker');
  });

  test('when a delivery and copies with forged data arrive at once (sharing the token check), then one body is accepted and every other is 401, with one run started', async () => {
    const genuine = stack.fake.signWebhook('candidateStageChange', stageChange('opp-race-0'), stack.signingTokens.candidateStageChange);
    // Two copies of each body: Lever retrying alongside, so copies of one body also meet in a batch.
    const bodies = Array.from({ length: 6 }, (_, i) => (i === 0 ? genuine : { ...genuine, data: stageChange(`opp-race-${i}`) }));
    const answers = await Promise.all(bodies.flatMap((body) => [body, body]).map((body) => post(urlOf('candidateStageChange'), body).then((a) => ({ opp: body.data.opportunityId, status: a.status }))));

    const accepted = [...new Set(answers.filter((a) => a.status !== 401).map((a) => a.opp))];
    expect(accepted).toHaveLength(1);
    expect(answers.filter((a) => a.opp !== accepted[0]).map((a) => a.status)).toEqual(Array(10).fill(401));
    expect(answers.filter((a) => a.opp === accepted[0]).map((a) => a.status).sort()).toEqual([200, 202]);
    const started = await Promise.all(bodies.map((b) => describeOrUndefined(b.data.opportunityId)));
    expect(started.filter(Boolean)).toHaveLength(1);
  });

  test.each([
    ['candidateDeleted', (opportunityId: string) => ({ opportunityId })],
    ['candidateHired', (opportunityId: string) => ({ opportunityId })],
    ['candidateArchiveChange', (opportunityId: string) => ({ opportunityId, toArchived: { archivedAt: Date.now(), reason: 'reason-hired' } })],
  ] as const)('when a %s for a candidate without a check is re-sent naming a running check, then 401 and the run gets no signal', async (event, data) => {
    const victim = `opp-victim-${event}`;
    await runningCheck(victim);
    const captured = stack.fake.signWebhook(event, data(`opp-bystander-${event}`), stack.signingTokens[event]);
    expect((await post(urlOf(event), captured)).status).toBeLessThan(300);

    const replayed = await post(urlOf(event), { ...captured, data: data(victim) });
    expect(replayed.status).toBe(401);
    expect(await signalsOf(victim)).toEqual([]);
    expect((await describeOrUndefined(victim))?.status.name).toBe('RUNNING');
  });

  test('when the token is replayed on another webhook of the same connection, then 401 too', async () => {
    // Tokens are remembered per connection, not per webhook: Lever's legacy setup signs every webhook with one key.
    const captured = stack.fake.signWebhook('candidateHired', { opportunityId: 'opp-cross-hook' }, stack.signingTokens.candidateHired);
    expect((await post(urlOf('candidateHired'), captured)).status).toBe(200);
    const other = stack.fake.signWebhook('candidateDeleted', { opportunityId: 'opp-cross-hook' }, stack.signingTokens.candidateDeleted, { token: captured.token, triggeredAt: captured.triggeredAt });
    expect((await post(urlOf('candidateDeleted'), other)).status).toBe(401);
  });
});

describe("Lever's retry of the same delivery", () => {
  test('when the first attempt got 503 (Temporal down), then the same body again starts the run', async () => {
    const dead = await unreachableTemporal(stack);
    const app = buildApp({ config: stack.config, db: stack.db, box: stack.box, links: stack.links, temporal: dead.client, checks: dead.checks, logger: stack.logger });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const body = JSON.stringify(stack.fake.signWebhook('candidateStageChange', stageChange('opp-retried'), stack.signingTokens.candidateStageChange));
    try {
      const first = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${urlOf('candidateStageChange')}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(first.status).toBe(503);
    } finally {
      server.close();
      await dead.close();
    }
    const retry = await stack.deliver('candidateStageChange', {}, { body });
    expect(retry).toMatchObject({ status: 202, body: { outcome: 'started' } });
    expect((await describeOrUndefined('opp-retried'))?.status.name).toBe('RUNNING');
    // ...and a third copy is a duplicate, acknowledged.
    expect(await stack.deliver('candidateStageChange', {}, { body })).toMatchObject({ status: 200, body: { outcome: 'duplicate' } });
  });
});

describe('the triggeredAt window', () => {
  const signedAt = (opportunityId: string, triggeredAt: number) =>
    stack.fake.signWebhook('candidateStageChange', stageChange(opportunityId), stack.signingTokens.candidateStageChange, { triggeredAt });

  test('when triggeredAt is older than WEBHOOK_MAX_AGE_SECONDS, then 401 and nothing starts', async () => {
    const stale = Date.now() - stack.config.WEBHOOK_MAX_AGE_SECONDS * 1000 - 60_000;
    expect(await post(urlOf('candidateStageChange'), signedAt('opp-stale', stale))).toMatchObject({ status: 401, body: { message: 'triggeredAt is outside the accepted window' } });
    expect(await describeOrUndefined('opp-stale')).toBeUndefined();
  });

  test('when triggeredAt is an hour ahead, then 401 and nothing starts', async () => {
    expect((await post(urlOf('candidateStageChange'), signedAt('opp-future', Date.now() + 60 * 60 * 1000))).status).toBe(401);
    expect(await describeOrUndefined('opp-future')).toBeUndefined();
  });

  test("when triggeredAt is a day old (one of Lever's later retries), then it is accepted", async () => {
    expect((await post(urlOf('candidateStageChange'), signedAt('opp-day-old', Date.now() - DAY_MS))).status).toBe(202);
  });

  test('when a signed triggeredAt is absurd (2^53 - 1), then 400, not a failure later', async () => {
    const res = await post(urlOf('candidateStageChange'), signedAt('opp-absurd', Number.MAX_SAFE_INTEGER));
    expect(res).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(res.body?.message).toContain('triggeredAt');
    expect(await describeOrUndefined('opp-absurd')).toBeUndefined();
  });
});
