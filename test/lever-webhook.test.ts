import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { listDeliveries } from '../src/db/deliveries';
import { buildApp } from '../src/http/app';
import { OpportunityIdKey, referenceCheckWorkflowId } from '../workflows/definitions';
import { until } from './helpers/journey';
import { startStack, TRIGGER_STAGE, type Stack, unreachableTemporal } from './helpers/stack';

/**
 * The ingress, through HTTP against real Temporal and Postgres. No worker runs here: these
 * tests are about what the ingress accepts, refuses and hands to Temporal, not what runs next.
 */
let stack: Stack;
const logLines: string[] = [];
beforeAll(async () => {
  stack = await startStack({ worker: false, logLines });
});
afterAll(() => stack.close());

const stageChange = (opportunityId: string, toStageId = TRIGGER_STAGE) => ({ opportunityId, toStageId, fromStageId: 'stage-new' });

async function runsFor(opportunityId: string): Promise<number> {
  let n = 0;
  for await (const _ of stack.client.workflow.list({ query: `RefcheckOpportunityId = '${opportunityId}' AND RefcheckConnectionId = '${stack.connectionId}'` })) n++;
  return n;
}

/** Deliveries are recorded just after the answer, off Lever's clock: a row appears moments later. */
const recorded = (match: (r: Awaited<ReturnType<typeof listDeliveries>>[number]) => boolean) =>
  until('the delivery to be recorded', async () => (await listDeliveries(stack.db, stack.connectionId)).find(match));

/** A start is visible to the visibility store within moments; poll briefly rather than sleep. */
async function describeOrUndefined(opportunityId: string) {
  try {
    return await stack.client.workflow.getHandle(referenceCheckWorkflowId(stack.connectionId, opportunityId)).describe();
  } catch {
    return undefined;
  }
}

describe('a valid delivery', () => {
  test('when a candidate enters the trigger stage, then one run starts and the delivery is acknowledged with 202', async () => {
    const res = await stack.deliver('candidateStageChange', stageChange('opp-valid'));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ outcome: 'started', workflowId: referenceCheckWorkflowId(stack.connectionId, 'opp-valid') });
    const run = await describeOrUndefined('opp-valid');
    expect(run?.status.name).toBe('RUNNING');
    expect(run?.typedSearchAttributes.get(OpportunityIdKey)).toBe('opp-valid');
  });

  test('when a candidate moves to another stage, then 200 and nothing starts', async () => {
    const res = await stack.deliver('candidateStageChange', stageChange('opp-other-stage', 'stage-offer'));
    expect(res).toEqual({ status: 200, body: { outcome: 'ignored-stage' } });
    expect(await describeOrUndefined('opp-other-stage')).toBeUndefined();
  });

  test("when Lever's verify-connection ping arrives (candidateHired, empty data), then 200 and nothing else", async () => {
    const res = await stack.deliver('candidateHired', {});
    expect(res).toEqual({ status: 200, body: { outcome: 'ping' } });
  });

  test('when Candidate Hired arrives for a candidate with no run, then 200 and it is recorded', async () => {
    const res = await stack.deliver('candidateHired', { opportunityId: 'opp-never-checked' });
    expect(res).toEqual({ status: 200, body: { outcome: 'no-run' } });
    expect(await recorded((r) => r.opportunity_id === 'opp-never-checked')).toMatchObject({ event: 'candidateHired', outcome: 'no-run', http_status: 200 });
  });

  test('when the same delivery arrives twenty times at once, then exactly one run starts', async () => {
    const body = stack.fake.signWebhook('candidateStageChange', stageChange('opp-twenty'), stack.signingTokens.candidateStageChange);
    const results = await Promise.all(Array.from({ length: 20 }, () => stack.deliver('candidateStageChange', {}, { body })));
    expect(results.every((r) => r.status === 200 || r.status === 202)).toBe(true);
    expect(results.filter((r) => r.body?.outcome === 'started')).toHaveLength(1);
    expect(results.filter((r) => r.body?.outcome === 'duplicate')).toHaveLength(19);
    let runs = 0;
    for (let i = 0; i < 50 && runs === 0; i++) {
      runs = await runsFor('opp-twenty');
      if (!runs) await new Promise((r) => setTimeout(r, 100));
    }
    expect(runs).toBe(1);
  });
});

describe('a forged or broken delivery is refused and starts nothing', () => {
  const valid = () => stack.fake.signWebhook('candidateStageChange', stageChange('opp-tampered'), stack.signingTokens.candidateStageChange) as unknown as Record<string, unknown>;
  const tampers: [string, (b: Record<string, unknown>) => unknown][] = [
    ['the signature is changed', (b) => ({ ...b, signature: String(b.signature).replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) })],
    ['the signature is missing', ({ signature: _s, ...b }) => b],
    ['the token is changed', (b) => ({ ...b, token: `${b.token}x` })],
    ['triggeredAt is changed', (b) => ({ ...b, triggeredAt: Number(b.triggeredAt) + 1 })],
    ['the signature is upper-cased', (b) => ({ ...b, signature: String(b.signature).toUpperCase() })],
  ];
  test.each(tampers)('when %s, then 401', async (_name, tamper) => {
    const res = await stack.deliver('candidateStageChange', {}, { body: tamper(valid()) });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'unauthorized' });
    expect(JSON.stringify(res.body)).not.toContain(stack.signingTokens.candidateStageChange);
    expect(await describeOrUndefined('opp-tampered')).toBeUndefined();
  });

  test("when it is signed with another webhook's token, then 401", async () => {
    const res = await stack.deliver('candidateStageChange', stageChange('opp-tampered'), { token: stack.signingTokens.candidateHired });
    expect(res.status).toBe(401);
  });

  test('when the body is not JSON, then 400', async () => {
    const res = await stack.deliver('candidateStageChange', {}, { body: '{"event": "candidateStageChange",' });
    expect(res).toMatchObject({ status: 400, body: { error: 'malformed_json' } });
  });

  test('when a signed body has the wrong shape, then 400 naming the field', async () => {
    const res = await stack.deliver('candidateStageChange', { opportunityId: 'opp-tampered' });
    expect(res.status).toBe(400);
    expect(res.body?.message).toContain('data.toStageId');
  });

  test('when the connection is unknown, then 404', async () => {
    const res = await stack.deliver('candidateStageChange', stageChange('opp-tampered'), { path: '/webhooks/lever/conn_nope/candidateStageChange' });
    expect(res).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });

  test('when the body is over the limit, then 413', async () => {
    const body = { ...valid(), padding: 'x'.repeat(stack.config.WEBHOOK_BODY_LIMIT_BYTES) };
    const res = await stack.deliver('candidateStageChange', {}, { body });
    expect(res).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
  });

  test('refused deliveries are logged without secrets, and only signed ones are recorded', async () => {
    await recorded((r) => r.http_status === 400);
    const rows = await listDeliveries(stack.db, stack.connectionId);
    // Forged, unsigned and unreadable requests are anyone's to send: counted, never stored. The signed
    // body with the wrong shape came from Lever (its token was new), so it is recorded.
    expect(rows.filter((r) => r.http_status >= 400).map((r) => r.http_status)).toEqual([400]);
    expect(JSON.stringify(rows)).not.toContain(stack.signingTokens.candidateStageChange);

    const logged = logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toContainEqual(expect.objectContaining({ code: 'unauthorized', status: 401 }));
    const all = logLines.join('\n');
    for (const secret of Object.values(stack.signingTokens)) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/"signature"\s*:\s*"[0-9a-f]{64}"/);
    expect(all).not.toContain('"stack"'); // no stack traces
  });
});

describe('when Temporal cannot be reached', () => {
  test('then a valid delivery gets 503 (so Lever retries), is recorded, and says nothing more', async () => {
    const dead = await unreachableTemporal(stack);
    const app = buildApp({ config: stack.config, db: stack.db, box: stack.box, links: stack.links, temporal: dead.client, checks: dead.checks, logger: stack.logger });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const body = stack.fake.signWebhook('candidateStageChange', stageChange('opp-temporal-down'), stack.signingTokens.candidateStageChange);
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/lever/${stack.connectionId}/candidateStageChange`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: 'unavailable', message: 'Temporal or the database is unreachable; Lever will retry' });
      expect(await recorded((r) => r.opportunity_id === 'opp-temporal-down')).toMatchObject({ http_status: 503 });
    } finally {
      server.close();
      await dead.close();
    }
    // Lever's retry, once Temporal is back, starts the run.
    expect((await stack.deliver('candidateStageChange', stageChange('opp-temporal-down'))).status).toBe(202);
  });
});
