/**
 * `npm run bench`: how long Lever waits for refcheck's acknowledgement, against a baseline
 * measured in the same run on the same Temporal: a bare `client.workflow.start` with the same
 * options. The ratio is the cost of the ingress (HTTP, signature, Postgres lookup and delivery
 * record, zod) on top of what Temporal itself needs to hold the start durably.
 */
import { performance } from 'node:perf_hooks';
import { TRIGGER_STAGE } from '../helpers/stack';
import { runWithStack } from '../tools/with-stack';
import { ConnectionIdKey, OpportunityIdKey, StatusKey } from '../../workflows/definitions';

const N = Number(process.argv[2] ?? 300);
const CONCURRENCY = Number(process.argv[3] ?? 10);

type Stats = { n: number; median: number; p95: number; worst: number; perSecond: number };

async function measure(n: number, concurrency: number, op: (i: number) => Promise<void>): Promise<Stats> {
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
  const wall = performance.now() - started;
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { n, median: at(0.5), p95: at(0.95), worst: times[times.length - 1], perSecond: (n / wall) * 1000 };
}

runWithStack({ worker: false }, async (stack) => {
  let run = 0;
  const bareStart = async (i: number) => {
    const opportunityId = `bench-bare-${run}-${i}`;
    await stack.client.workflow.start('referenceCheck', {
      taskQueue: stack.config.TEMPORAL_TASK_QUEUE, workflowId: `reference-check/${stack.connectionId}/${opportunityId}`,
      args: [{}], workflowIdConflictPolicy: 'FAIL', workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      typedSearchAttributes: [{ key: ConnectionIdKey, value: stack.connectionId }, { key: OpportunityIdKey, value: opportunityId }, { key: StatusKey, value: 'starting' }],
      staticSummary: `Reference check · Lever opportunity ${opportunityId}`,
    });
  };
  const webhook = async (i: number) => {
    const res = await stack.deliver('candidateStageChange', { opportunityId: `bench-hook-${run}-${i}`, toStageId: TRIGGER_STAGE });
    if (res.status !== 202) throw new Error(`unexpected ${res.status}`);
  };
  const duplicate = async () => {
    const res = await stack.deliver('candidateStageChange', { opportunityId: `bench-hook-${run}-0`, toStageId: TRIGGER_STAGE });
    if (res.status !== 200) throw new Error(`unexpected ${res.status}`);
  };
  const forged = async () => {
    const res = await stack.deliver('candidateStageChange', { opportunityId: 'bench-forged', toStageId: TRIGGER_STAGE }, { token: 'not-the-signing-token' });
    if (res.status !== 401) throw new Error(`unexpected ${res.status}`);
  };

  // Warm up both paths (connections, JIT) before measuring.
  run = -1;
  await measure(30, 5, bareStart);
  await measure(30, 5, webhook);
  const rows: [string, Stats, Stats][] = [];
  for (const concurrency of [1, CONCURRENCY]) {
    run++;
    const base = await measure(N, concurrency, bareStart);
    const ingress = await measure(N, concurrency, webhook);
    rows.push([`new start, ${concurrency} at a time`, base, ingress]);
  }
  run++;
  await webhook(0);
  const dup = await measure(N, CONCURRENCY, duplicate);
  const bad = await measure(N, CONCURRENCY, forged);

  const ms = (x: number) => `${x.toFixed(1)} ms`.padStart(9);
  console.log(`\nIngress acknowledgement latency, ${N} requests per row (${new Date().toISOString()})`);
  console.log(`${'case'.padEnd(28)} ${'baseline median'.padStart(15)} ${'ingress median'.padStart(14)} ${'ratio'.padStart(6)} ${'baseline p95'.padStart(12)} ${'ingress p95'.padStart(11)} ${'ratio'.padStart(6)} ${'ingress worst'.padStart(13)} ${'ingress req/s'.padStart(13)}`);
  for (const [name, b, i] of rows) {
    console.log(`${name.padEnd(28)} ${ms(b.median).padStart(15)} ${ms(i.median).padStart(14)} ${(i.median / b.median).toFixed(2).padStart(6)} ${ms(b.p95).padStart(12)} ${ms(i.p95).padStart(11)} ${(i.p95 / b.p95).toFixed(2).padStart(6)} ${ms(i.worst).padStart(13)} ${i.perSecond.toFixed(0).padStart(13)}`);
  }
  console.log(`duplicate delivery (${CONCURRENCY} at a time): median ${ms(dup.median)}, p95 ${ms(dup.p95)}, worst ${ms(dup.worst)}`);
  console.log(`forged signature (${CONCURRENCY} at a time):   median ${ms(bad.median)}, p95 ${ms(bad.p95)}, worst ${ms(bad.worst)}`);
});
