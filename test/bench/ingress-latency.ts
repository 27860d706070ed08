/**
 * `npm run bench`: how long Lever waits for refcheck's acknowledgement, against a baseline
 * measured in the same run on the same Temporal: a bare `client.workflow.start` with the same
 * options, at 1, 10 and 50 concurrent requests (issue 8, P1). The speed ratio (bare / ingress) is
 * what the ingress costs (HTTP, signature, the delivery-token insert, zod) on top of what Temporal
 * itself needs to hold the start durably; a forged request should be refused faster than a start.
 * Usage: node dist/test/bench/ingress-latency.js [requests per side and row] [levels, e.g. 1,10,50]
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { TRIGGER_STAGE } from '../helpers/stack';
import { runWithStack } from '../tools/with-stack';
import { insertConnection } from '../../src/db/connections';
import { fairTo } from '../../src/reference-checks';
import { ConnectionIdKey, OpportunityIdKey, StatusKey, type ReferenceCheckInput } from '../../workflows/definitions';

const N = Number(process.argv[2] ?? 300);
/** P1's concurrency levels: one request at a time, a few, and a bulk action's worth. */
const LEVELS = (process.argv[3] ?? '1,10,50').split(',').map(Number);
/** Each row alternates its two sides over a few rounds, so drift (another process, a cache warming) hits both alike. */
const ROUNDS = 3;
/** P1's goal: the ingress within 10% of a bare start, as speed (bare / ingress), for the median and the p95. */
const GOAL = 0.9;

type Stats = { n: number; median: number; p95: number; worst: number; perSecond: number };

async function measure(n: number, concurrency: number, op: (i: number) => Promise<void>): Promise<{ times: number[]; wall: number }> {
  const times: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) {
      const i = next++;
      const t = performance.now();
      await op(i);
      times.push(performance.now() - t);
    }
  }));
  return { times, wall: performance.now() - started };
}

function stats(samples: { times: number[]; wall: number }[]): Stats {
  const times = samples.flatMap((s) => s.times).sort((a, b) => a - b);
  const wall = samples.reduce((w, s) => w + s.wall, 0);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { n: times.length, median: at(0.5), p95: at(0.95), worst: times[times.length - 1], perSecond: (times.length / wall) * 1000 };
}

/** Runs both sides in alternating rounds of n/ROUNDS requests each. */
async function compare(n: number, concurrency: number, a: (i: number) => Promise<void>, b: (i: number) => Promise<void>, nextRun: () => void): Promise<[Stats, Stats]> {
  const per = Math.max(concurrency, Math.ceil(n / ROUNDS));
  const as: { times: number[]; wall: number }[] = [];
  const bs: { times: number[]; wall: number }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    nextRun();
    as.push(await measure(per, concurrency, a));
    bs.push(await measure(per, concurrency, b));
  }
  return [stats(as), stats(bs)];
}

runWithStack({ worker: false }, async (stack) => {
  let run = 0;
  // Lever's side of the wire is not refcheck's: a lean keep-alive client (as Lever's would be), not
  // fetch, whose own cost would be charged to the ingress (it runs in this process, beside the api).
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const api = new URL(stack.apiUrl);
  const post = (path: string, body: object) => new Promise<number>((resolve, reject) => {
    const json = JSON.stringify(body);
    const req = request({ agent, host: api.hostname, port: api.port, method: 'POST', path, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(json);
  });
  const hookPath = `/webhooks/lever/${stack.connectionId}/candidateStageChange`;
  const deliver = (path: string, opportunityId: string, token = stack.signingTokens.candidateStageChange) =>
    post(path, stack.fake.signWebhook('candidateStageChange', { opportunityId, toStageId: TRIGGER_STAGE }, token));
  const bareStart = async (i: number) => {
    const opportunityId = `bench-bare-${run}-${i}`;
    const triggeredAt = Date.now();
    // The options and input the ingress sends (src/reference-checks.ts), so only the ingress's own work differs.
    const input: ReferenceCheckInput = {
      connectionId: stack.connectionId, opportunityId, triggerStageId: TRIGGER_STAGE, triggeredAt, hireConfirmationDelaySeconds: 3600,
      ownerAnswerTimeoutSeconds: 3600, hireSync: 'note-and-tag', startedBy: 'lever-webhook', manual: false,
    };
    await stack.client.workflow.start('referenceCheck', {
      taskQueue: stack.config.TEMPORAL_TASK_QUEUE, workflowId: `reference-check/${stack.connectionId}/${opportunityId}`,
      args: [input], workflowIdConflictPolicy: 'FAIL', workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY', priority: fairTo(stack.connectionId),
      typedSearchAttributes: [{ key: ConnectionIdKey, value: stack.connectionId }, { key: OpportunityIdKey, value: opportunityId }, { key: StatusKey, value: 'starting' }],
      staticSummary: `Reference check · Lever opportunity ${opportunityId}`,
      staticDetails: `Connection **${stack.connectionId}**, trigger stage \`${TRIGGER_STAGE}\`, stage change at ${new Date(triggeredAt).toISOString()}.`,
    });
  };
  const webhook = async (i: number) => {
    const status = await deliver(hookPath, `bench-hook-${run}-${i}`);
    if (status !== 202) throw new Error(`unexpected ${status}`);
  };
  const duplicate = async () => {
    const status = await deliver(hookPath, `bench-hook-${run}-0`);
    if (status !== 200) throw new Error(`unexpected ${status}`);
  };
  // Forged posts count against the connection's refusal limit (600 a minute): each row forges against a connection of its own.
  let forgedPath = '';
  const forgeAgainstNewConnection = async () => {
    const id = `bench-forged-${run}`;
    await insertConnection(stack.db, stack.box, {
      id, name: 'Bench forged', leverBaseUrl: stack.fake.url, apiKey: 'bench-key', triggerStageId: TRIGGER_STAGE,
      hireConfirmationDelaySeconds: 3600, ownerAnswerTimeoutSeconds: 3600, hireSync: 'note-and-tag', signingTokens: stack.signingTokens, organisationId: stack.organisationId,
    });
    forgedPath = `/webhooks/lever/${id}/candidateStageChange`;
  };
  const forged_ = async () => {
    const status = await deliver(forgedPath, 'bench-forged', 'not-the-signing-token');
    if (status !== 401) throw new Error(`unexpected ${status}`);
  };

  // Warm up both paths (connections, JIT, the ingress's cached connection) before measuring.
  run = -1;
  await measure(60, 10, bareStart);
  await measure(60, 10, webhook);
  const nextRun = () => void run++;
  const rows: { concurrency: number; base: Stats; ingress: Stats; forgedBase: Stats; forged: Stats }[] = [];
  for (const concurrency of LEVELS) {
    const [base, ingress] = await compare(N, concurrency, bareStart, webhook, nextRun);
    await forgeAgainstNewConnection();
    await forged_();
    const [forgedBase, forged] = await compare(N, concurrency, bareStart, forged_, nextRun);
    rows.push({ concurrency, base, ingress, forgedBase, forged });
  }
  nextRun();
  await webhook(0);
  const dup = stats([await measure(N, 10, duplicate)]);

  const ms = (x: number) => `${x.toFixed(2)} ms`;
  const speed = (bare: number, other: number) => bare / other;
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');
  const table: string[][] = [['P1', 'concurrent', 'bare start', 'ingress', 'speed (bare/ingress)', 'goal', '']];
  for (const { concurrency, base, ingress, forgedBase, forged } of rows) {
    for (const q of ['median', 'p95'] as const) {
      const r = speed(base[q], ingress[q]);
      table.push([`new start, ${q}`, String(concurrency), ms(base[q]), ms(ingress[q]), r.toFixed(2), `>= ${GOAL}`, verdict(r >= GOAL)]);
    }
    for (const q of ['median', 'p95'] as const) {
      const r = speed(forgedBase[q], forged[q]);
      table.push([`forged (401), ${q}`, String(concurrency), ms(forgedBase[q]), ms(forged[q]), r.toFixed(2), '>= 1.0', verdict(r >= 1)]);
    }
  }
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  console.log(`\nP1 ingress vs a bare client.workflow.start, ${N} requests per side and row in ${ROUNDS} alternating rounds (${new Date().toISOString()})`);
  for (const row of table) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  for (const { concurrency, ingress } of rows) console.log(`ingress at ${concurrency} concurrent: worst ${ms(ingress.worst)}, ${ingress.perSecond.toFixed(0)} req/s`);
  console.log(`duplicate delivery (10 at a time): median ${ms(dup.median)}, p95 ${ms(dup.p95)}, worst ${ms(dup.worst)}`);
  agent.destroy();
});
