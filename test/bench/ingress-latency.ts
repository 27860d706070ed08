/**
 * P1: how long Lever waits for refcheck's acknowledgement, against a baseline measured in the same
 * run on the same Temporal: a bare `client.workflow.start` with the same options, at 1, 10 and 50
 * concurrent requests. The speed ratio (bare / ingress) is what the ingress costs (HTTP, signature,
 * the delivery-token check, zod) on top of what Temporal itself needs to hold the start durably.
 * A third side, the floor, is the same bare start behind a bare node:http server (no Express, no
 * checks): what any HTTP ingress costs on this machine, so the ingress's own share is visible.
 * A forged request should be refused faster than a start.
 * Alone: node dist/test/bench/ingress-latency.js [requests per side and row] [levels, e.g. 1,10,50]
 */
import { Agent, createServer, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { TRIGGER_STAGE, type Stack } from '../helpers/stack';
import { runWithStack } from '../tools/with-stack';
import { insertConnection } from '../../src/db/connections';
import { fairTo } from '../../src/reference-checks';
import { ConnectionIdKey, OpportunityIdKey, StatusKey, type ReferenceCheckInput } from '../../workflows/definitions';
import type { Row } from './kit';

/** Each row alternates its sides over a few rounds, so drift (another process, a cache warming) hits them alike. */
const ROUNDS = 3;
/** P1's goal: the ingress within 10% of a bare start, as speed (bare / ingress), for the median and the p95. */
const GOAL = 0.9;

type Stats = { n: number; median: number; p95: number; worst: number; perSecond: number };
type Op = (i: number) => Promise<void>;

async function measure(n: number, concurrency: number, op: Op): Promise<{ times: number[]; wall: number }> {
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

/** Runs every side in alternating rounds of n/ROUNDS requests each. */
async function compare(n: number, concurrency: number, sides: Op[], nextRun: () => void): Promise<Stats[]> {
  const per = Math.max(concurrency, Math.ceil(n / ROUNDS));
  const samples: { times: number[]; wall: number }[][] = sides.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [s, op] of sides.entries()) {
      nextRun();
      samples[s].push(await measure(per, concurrency, op));
    }
  }
  return samples.map(stats);
}

export type IngressResult = { rows: Row[]; details: string[] };

export async function ingressVsBare(stack: Stack, n: number, levels: number[]): Promise<IngressResult> {
  let run = 0;
  // Lever's side of the wire is not refcheck's: a lean keep-alive client (as Lever's would be), not
  // fetch, whose own cost would be charged to the ingress (it runs in this process, beside the api).
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const post = (url: URL, path: string, body: object) => new Promise<number>((resolve, reject) => {
    const json = JSON.stringify(body);
    const req = request({ agent, host: url.hostname, port: url.port, method: 'POST', path, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(json);
  });
  const api = new URL(stack.apiUrl);
  const hookPath = `/webhooks/lever/${stack.connectionId}/candidateStageChange`;
  const deliver = (path: string, opportunityId: string, token = stack.signingTokens.candidateStageChange) =>
    post(api, path, stack.fake.signWebhook('candidateStageChange', { opportunityId, toStageId: TRIGGER_STAGE }, token));
  const start = async (opportunityId: string) => {
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
  const bareStart = (i: number) => start(`bench-bare-${run}-${i}`);
  // The floor: the body read, the same start, 202; nothing else.
  const floorServer = createServer((req, res) => {
    req.resume().on('end', () => {
      void start(`bench-floor-${req.url!.slice(1)}`).then(() => res.writeHead(202, { 'content-type': 'application/json' }).end('{"outcome":"started"}'));
    });
  });
  await new Promise<void>((r) => floorServer.listen(0, '127.0.0.1', () => r()));
  const floorUrl = new URL(`http://127.0.0.1:${(floorServer.address() as { port: number }).port}`);
  const floor = async (i: number) => {
    if ((await post(floorUrl, `/${run}-${i}`, { a: 1 })) !== 202) throw new Error('floor refused');
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
  const forged = async () => {
    const status = await deliver(forgedPath, 'bench-forged', 'not-the-signing-token');
    if (status !== 401) throw new Error(`unexpected ${status}`);
  };

  // Warm up every path (connections, JIT, the ingress's cached connection) before measuring.
  run = -1;
  for (const op of [bareStart, floor, webhook]) await measure(60, 10, op);
  const nextRun = () => void run++;
  const rows: Row[] = [];
  const details: string[] = [];
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  for (const concurrency of levels) {
    const [base, floorStats, ingress] = await compare(n, concurrency, [bareStart, floor, webhook], nextRun);
    await forgeAgainstNewConnection();
    await forged();
    const [forgedBase, forgedStats] = await compare(n, concurrency, [bareStart, forged], nextRun);
    for (const q of ['median', 'p95'] as const) {
      const r = base[q] / ingress[q];
      rows.push({ figure: `P1 new start, ${concurrency} concurrent, ${q}: bare start / ingress`, measured: `${ms(base[q])} / ${ms(ingress[q])} = ${r.toFixed(2)}`, goal: `>= ${GOAL}`, met: r >= GOAL });
      rows.push({ figure: `P1 floor, ${concurrency} concurrent, ${q}: bare start / the start behind bare node:http`, measured: `${ms(base[q])} / ${ms(floorStats[q])} = ${(base[q] / floorStats[q]).toFixed(2)}`, goal: '(figure)' });
    }
    for (const q of ['median', 'p95'] as const) {
      const r = forgedBase[q] / forgedStats[q];
      rows.push({ figure: `P1 forged (401), ${concurrency} concurrent, ${q}: bare start / refusal`, measured: `${ms(forgedBase[q])} / ${ms(forgedStats[q])} = ${r.toFixed(2)}`, goal: '>= 1.0', met: r >= 1 });
    }
    details.push(`ingress at ${concurrency} concurrent: worst ${ms(ingress.worst)}, ${ingress.perSecond.toFixed(0)} req/s (bare starts ${base.perSecond.toFixed(0)}/s)`);
  }
  nextRun();
  await webhook(0);
  const dup = stats([await measure(n, 10, duplicate)]);
  details.push(`duplicate delivery (10 at a time): median ${ms(dup.median)}, p95 ${ms(dup.p95)}, worst ${ms(dup.worst)}`);
  agent.destroy();
  await new Promise((r) => floorServer.close(r));
  return { rows, details };
}

if (require.main === module) {
  const n = Number(process.argv[2] ?? 300);
  const levels = (process.argv[3] ?? '1,10,50').split(',').map(Number);
  runWithStack({ worker: false }, async (stack) => {
    const { rows, details } = await ingressVsBare(stack, n, levels);
    console.log(`\nP1 ingress vs a bare client.workflow.start, ${n} requests per side and row in ${ROUNDS} alternating rounds (${new Date().toISOString()})`);
    for (const r of rows) console.log(`${r.figure.padEnd(78)} ${r.measured.padEnd(36)} ${r.goal.padEnd(9)} ${r.met === undefined ? '' : r.met ? 'met' : 'NOT MET'}`);
    for (const d of details) console.log(d);
  });
}
