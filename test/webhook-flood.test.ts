import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDb } from '../src/db/pool';
import { freePort } from '../src/dev/processes';
import { buildApp } from '../src/http/app';
import { refusedWebhookCounts } from '../src/http/webhook-refusals';
import { referenceCheckWorkflowId } from '../workflows/definitions';
import { startStack, TRIGGER_STAGE, type Stack } from './helpers/stack';

/**
 * Finding 9: the webhook path is open to anyone. Junk must cost no rows, no false outage (503 tells
 * Lever to retry and an operator to panic) and no unbounded log; Lever's real deliveries still pass.
 */
let stack: Stack;
const logLines: string[] = [];
beforeAll(async () => {
  stack = await startStack({ worker: false, logLines });
});
afterAll(() => stack.close());

type Bogus = { path: string; body: string | Uint8Array; contentType: string };
const hex = (n: number) => randomBytes(n).toString('hex');
const stageChange = (opportunityId: string) => ({ opportunityId, toStageId: TRIGGER_STAGE, fromStageId: 'stage-new' });
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** Rows a stranger could have caused: this connection's, or any connection's that does not exist. */
async function strangerRows(sinceId: number): Promise<number> {
  const [row] = await stack.db.query<{ n: number }>(
    `select count(*)::int as n from webhook_deliveries w
      where w.id > $1 and (w.connection_id = $2 or w.connection_id is null or not exists (select 1 from lever_connections c where c.id = w.connection_id))`,
    [sinceId, stack.connectionId],
  );
  return row.n;
}

/** node:http with kept-alive sockets: fetch's own overhead would make the flood slow, not the api. */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
afterAll(() => agent.destroy());
function send(b: Bogus): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${stack.apiUrl}${b.path}`, { method: 'POST', agent, headers: { 'content-type': b.contentType } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(b.body);
  });
}

/** Runs every request, `concurrency` at a time; returns how many got each status. */
async function flood(requests: Bogus[], concurrency = 64): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < requests.length) {
      const status = await send(requests[next++]);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  }));
  return statuses;
}

function bogusRequests(): Bogus[] {
  const real = stack.connectionId;
  const json = 'application/json';
  const forged = (opportunityId: string) => JSON.stringify(stack.fake.signWebhook('candidateStageChange', stageChange(opportunityId), hex(24)));
  // Paths that cannot exist, and unknown connections: each answered without touching the real one.
  const strangers: (() => Bogus)[] = [
    () => ({ path: `/webhooks/lever/conn_${hex(6)}/candidateStageChange`, body: forged(`opp-${hex(4)}`), contentType: json }),
    () => ({ path: `/webhooks/lever/c_${hex(8)}/candidateDeleted`, body: '{"event":"candidateDeleted"}', contentType: json }),
    () => ({ path: '/webhooks/lever/%00/candidateStageChange', body: forged('opp-nul'), contentType: json }),
    () => ({ path: `/webhooks/lever/${real}%00/candidateStageChange`, body: forged('opp-nul'), contentType: json }),
    () => ({ path: `/webhooks/lever/${real}/candidateStageChange%00`, body: forged('opp-nul'), contentType: json }),
    () => ({ path: `/webhooks/lever/${'x'.repeat(300)}/candidateStageChange`, body: forged('opp-long'), contentType: json }),
    () => ({ path: `/webhooks/lever/${real}/applicationCreated`, body: forged('opp-event'), contentType: json }),
    () => ({ path: `/webhooks/lever/${real}/${hex(20)}`, body: 'x', contentType: 'text/plain' }),
    () => ({ path: '/webhooks/lever/%zz/candidateStageChange', body: '{}', contentType: json }),
    () => ({ path: `/webhooks/lever/conn_${hex(6)}/candidateHired`, body: randomBytes(2048), contentType: 'application/octet-stream' }),
    () => ({ path: `/webhooks/lever/conn_${hex(6)}/candidateHired`, body: nested(5000), contentType: json }),
  ];
  // Junk to the real connection's real URL: each is refused at the body, signature or shape.
  const junk: (() => Bogus)[] = [
    () => ({ path: `/webhooks/lever/${real}/candidateStageChange`, body: nested(5000), contentType: json }),
    () => ({ path: `/webhooks/lever/${real}/candidateStageChange`, body: `[${'['.repeat(5000)}${']'.repeat(5000)}]`, contentType: json }),
    () => ({ path: `/webhooks/lever/${real}/candidateHired`, body: randomBytes(1024), contentType: 'image/png' }),
    () => ({ path: `/webhooks/lever/${real}/candidateHired`, body: randomBytes(512), contentType: 'text/plain; charset=utf-16' }),
    () => ({ path: `/webhooks/lever/${real}/candidateDeleted`, body: `--x\r\n${hex(40)}\r\n--x--`, contentType: 'multipart/form-data; boundary=x' }),
    () => ({ path: `/webhooks/lever/${real}/candidateArchiveChange`, body: ['null', '[]', '"x"', '{}', '{"token":null}', '{"a":'][Math.floor(Math.random() * 6)], contentType: json }),
    () => ({ path: `/webhooks/lever/${real}/candidateStageChange`, body: forged('opp-forged'), contentType: json }),
    () => ({ path: `/webhooks/lever/${real}/candidateStageChange`, body: JSON.stringify({ ...JSON.parse(forged('opp-big')), pad: 'x'.repeat(40_000) }), contentType: json }),
  ];
  // Under the per-connection limit (600 refusals a minute), so the genuine delivery below is not throttled.
  const junkCount = 8 * 60;
  return [
    ...Array.from({ length: junkCount }, (_, i) => junk[i % junk.length]()),
    ...Array.from({ length: 10_000 - junkCount }, (_, i) => strangers[i % strangers.length]()),
  ].sort(() => Math.random() - 0.5);
}

test('10,000 bogus posts add no delivery rows, none gets a 5xx, and a genuine delivery still starts its check', async () => {
  const [{ max }] = await stack.db.query<{ max: number }>('select coalesce(max(id), 0)::int as max from webhook_deliveries');
  const before = Object.values(refusedWebhookCounts()).reduce((a, b) => a + b, 0);
  const logLinesBefore = logLines.length;

  const statuses = await flood(bogusRequests());

  expect(Object.values(statuses).reduce((a, b) => a + b, 0)).toBe(10_000);
  expect(Object.keys(statuses).map(Number).filter((s) => s >= 500)).toEqual([]);
  expect(Object.keys(statuses).map(Number).every((s) => [400, 401, 404, 413, 415].includes(s))).toBe(true);
  expect(await strangerRows(max)).toBe(0);
  const [{ n: tokens }] = await stack.db.query<{ n: number }>('select count(*)::int as n from webhook_delivery_tokens where connection_id = $1', [stack.connectionId]);
  expect(tokens).toBe(0);
  // Counted, and logged in summary: far fewer lines than requests.
  expect(Object.values(refusedWebhookCounts()).reduce((a, b) => a + b, 0) - before).toBe(10_000);
  expect(logLines.length - logLinesBefore).toBeLessThan(1_000);

  const genuine = await stack.deliver('candidateStageChange', stageChange('opp-after-flood'));
  expect(genuine).toMatchObject({ status: 202, body: { outcome: 'started' } });
  const run = await stack.client.workflow.getHandle(referenceCheckWorkflowId(stack.connectionId, 'opp-after-flood')).describe();
  expect(run.status.name).toBe('RUNNING');
});

/** The stack's api again, with other settings or another database, on a port of its own. */
async function withApp<T>(overrides: { config?: Partial<typeof stack.config>; databaseUrl?: string }, fn: (url: string) => Promise<T>): Promise<T> {
  const db = overrides.databaseUrl ? createDb(overrides.databaseUrl, 1) : stack.db;
  const app = buildApp({ config: { ...stack.config, ...overrides.config }, db, box: stack.box, links: stack.links, temporal: stack.client, checks: stack.checks, logger: stack.logger });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    return await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.close();
    if (db !== stack.db) await db.close();
  }
}

test('over WEBHOOK_RATE_LIMIT_PER_MINUTE refused posts, a connection answers 429; acknowledged deliveries never count', async () => {
  await withApp({ config: { WEBHOOK_RATE_LIMIT_PER_MINUTE: 5 } }, async (url) => {
    const post = (body: unknown) =>
      fetch(`${url}/webhooks/lever/${stack.connectionId}/candidateStageChange`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.status);
    const sign = (opportunityId: string) => stack.fake.signWebhook('candidateStageChange', { ...stageChange(opportunityId), toStageId: 'stage-offer' }, stack.signingTokens.candidateStageChange);
    // A bulk move in Lever: many deliveries in a minute, all acknowledged, none throttled.
    const acknowledged = await Promise.all(Array.from({ length: 20 }, (_, i) => post(sign(`opp-bulk-${i}`))));
    expect(acknowledged).toEqual(acknowledged.map(() => 200));
    const forged = await Promise.all(Array.from({ length: 5 }, () => post(stack.fake.signWebhook('candidateStageChange', stageChange('opp-x'), hex(24)))));
    expect(forged).toEqual([401, 401, 401, 401, 401]);
    expect(await post(sign('opp-throttled'))).toBe(429);
  });
});

test('when Postgres is unreachable, then a delivery gets 503 so Lever retries', async () => {
  await withApp({ databaseUrl: `postgresql://postgres@127.0.0.1:${await freePort()}/refcheck` }, async (url) => {
    const body = stack.fake.signWebhook('candidateStageChange', stageChange('opp-db-down'), stack.signingTokens.candidateStageChange);
    const res = await fetch(`${url}/webhooks/lever/${stack.connectionId}/candidateStageChange`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(503);
  });
});
