/**
 * P3 (and the burst half of P4 and P6): candidates moved into the trigger stage at once, as
 * Lever sends them, against real worker processes; measured at the fake Lever (its request log,
 * 429s included) and at the mail catcher (each candidate's invitation, when it arrived).
 */
import type { Client } from '@temporalio/client';
import { LEVER_RESOURCES } from '../../src/fake-lever/server';
import { API_KEY, type Stack } from '../helpers/stack';
import { runWithStack } from '../tools/with-stack';
import { referenceCheckWorkflowId } from '../../workflows/definitions';
import {
  addConnection, BENCH_KEYS, emailOf, LEVER_LIMIT_PER_SECOND, newTaskQueue, percentile, phaseApi, phaseTemporal, seedCandidates, sendAll, sleep, spawnWorker, until,
  type BenchConnection, type PhaseTemporal,
} from './kit';

export type KeyFigures = { calls: number; rate429: number; callsPerSecond: number; budgetUsed: number };
export type BurstResult = {
  workers: number; connections: number; candidates: number;
  started: number; duplicates: number; leverCalls: number; status429: number; perKey: KeyFigures[];
  /** ms from each candidate's stage change to their invitation */
  latencies: number[];
  /** ms from the first stage change sent to the last invitation received */
  batchMs: number;
  /** candidates invited one at a time before the burst, each waited for (P4 idle) */
  idleLatencies: number[];
  /** ms from stage change to invitation for another connection's candidates, sent one by one during the burst (fairness) */
  bystanderLatencies: number[];
  /** ms each of those candidates' Lever calls waited in Temporal's queue and the worker's Lever pool (schedule to start) */
  bystanderLeverWaits: number[];
};

let keyCursor = 0;
/** Each phase gets API keys no earlier phase used, so Lever's buckets start full. */
export const freshKeys = (n: number) => BENCH_KEYS.slice(keyCursor, (keyCursor += n));

/**
 * `bystanders`: candidates of one more connection (its own API key), sent one at a time, a second
 * apart, from a second into the burst: what another organisation's candidates wait while it lasts.
 */
export async function burst(stack: Stack, o: { candidates: number; workers: number; connections: number; idleSamples?: number; bystanders?: number; whileBusy?: (temporal: PhaseTemporal) => Promise<void> }): Promise<BurstResult> {
  const taskQueue = newTaskQueue('burst');
  const temporal = await phaseTemporal(stack);
  const api = await phaseApi(stack, taskQueue, temporal);
  const workers = await Promise.all(Array.from({ length: o.workers }, () => spawnWorker(api.config)));
  try {
    const conns: BenchConnection[] = [];
    for (const key of freshKeys(o.connections)) conns.push(await addConnection(stack, key));
    const bystander = o.bystanders ? await addConnection(stack, freshKeys(1)[0]) : undefined;
    const invitedAt = (opp: string) => stack.catcher.messages.find((m) => m.to.includes(emailOf(opp)))?.receivedAt.getTime();

    const idleLatencies: number[] = [];
    for (let i = 0; i < (o.idleSamples ?? 0); i++) {
      const [opp] = seedCandidates(stack, conns[0], 1, 1_000_000 + i);
      const sent = Date.now();
      if ((await api.stageChange(conns[0], opp)) !== 202) throw new Error('idle stage change refused');
      await until(`the invitation to ${opp}`, () => invitedAt(opp) !== undefined, 60_000, 20);
      idleLatencies.push(invitedAt(opp)! - sent);
    }

    const per = Math.ceil(o.candidates / o.connections);
    const opps = conns.map((c) => seedCandidates(stack, c, per));
    const all = opps.flat();
    const firstRequest = stack.fake.requests.length;
    const started = Date.now();
    // The connections' bursts arrive interleaved, as two organisations' Lever accounts would send them.
    const interleaved = Array.from({ length: per }, (_, i) => opps.map((list, c) => [c, list[i]] as const)).flat();
    const sending = sendAll(([c, opp]) => api.stageChange(conns[c], opp), interleaved, ([, opp]) => opp);
    const busy = o.whileBusy?.(temporal);
    const bystanding = bystander ? sendBystanders(api, stack, temporal.client, bystander, o.bystanders!, invitedAt) : Promise.resolve({ latencies: [], leverWaits: [] });
    const sentAt = await sending;
    const mailsTo = () => {
      const byOpp = new Map<string, number[]>();
      const wanted = new Map(all.map((opp) => [emailOf(opp), opp]));
      for (const m of stack.catcher.messages) for (const to of m.to) {
        const opp = wanted.get(to);
        if (opp) byOpp.set(opp, [...(byOpp.get(opp) ?? []), m.receivedAt.getTime()]);
      }
      return byOpp;
    };
    await until(`${all.length} invitations`, () => mailsTo().size >= all.length, 120_000 + all.length * 1_000, 500);
    await busy;
    const { latencies: bystanderLatencies, leverWaits: bystanderLeverWaits } = await bystanding;
    // A moment for any duplicate to show itself.
    await new Promise((r) => setTimeout(r, 2_000));

    const mails = mailsTo();
    const latencies = all.map((opp) => Math.min(...mails.get(opp)!) - sentAt.get(opp)!);
    const lastInvitation = Math.max(...all.map((opp) => Math.min(...mails.get(opp)!)));
    const requests = stack.fake.requests.slice(firstRequest);
    const perKey = conns.map((c): KeyFigures => {
      const mine = requests.filter((r) => r.path.includes(c.connectionId));
      // n calls over the span from the first to the last are n - 1 intervals.
      const span = mine.length > 1 ? (mine[mine.length - 1].at - mine[0].at) / 1000 : 1;
      const callsPerSecond = Math.max(0, mine.length - 1) / span;
      return { calls: mine.length, rate429: mine.filter((r) => r.status === 429).length, callsPerSecond, budgetUsed: callsPerSecond / LEVER_LIMIT_PER_SECOND };
    });
    return {
      workers: o.workers, connections: o.connections, candidates: all.length,
      started: mails.size, duplicates: [...mails.values()].filter((times) => times.length > 1).length,
      leverCalls: requests.filter((r) => conns.some((c) => r.path.includes(c.connectionId))).length,
      status429: requests.filter((r) => r.status === 429).length,
      perKey, latencies, batchMs: lastInvitation - started, idleLatencies, bystanderLatencies, bystanderLeverWaits,
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await api.close();
    await temporal.stop();
  }
}

async function sendBystanders(api: Awaited<ReturnType<typeof phaseApi>>, stack: Stack, client: Client, c: BenchConnection, n: number, invitedAt: (opp: string) => number | undefined) {
  const opps = seedCandidates(stack, c, n);
  const sentAt: number[] = [];
  for (const opp of opps) {
    await sleep(1_000);
    sentAt.push(Date.now());
    if ((await api.stageChange(c, opp)) !== 202) throw new Error('bystander stage change refused');
  }
  await until(`${n} bystander invitations`, () => opps.every((opp) => invitedAt(opp) !== undefined), 600_000, 100);
  const leverWaits: number[] = [];
  for (const opp of opps) leverWaits.push(...(await leverQueueWaits(client, referenceCheckWorkflowId(c.connectionId, opp))));
  return { latencies: opps.map((opp, i) => invitedAt(opp)! - sentAt[i]), leverWaits };
}

/** From a run's history: how long each of its Lever calls (on the Lever task queue) waited to be picked up. */
async function leverQueueWaits(client: Client, workflowId: string): Promise<number[]> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const at = (e: (typeof events)[number]) => Number(e.eventTime!.seconds) * 1000 + Math.floor(e.eventTime!.nanos! / 1e6);
  const scheduled = new Map(events.filter((e) => e.activityTaskScheduledEventAttributes?.taskQueue?.name?.endsWith('-lever')).map((e) => [Number(e.eventId), at(e)]));
  return events.flatMap((e) => {
    const s = scheduled.get(Number(e.activityTaskStartedEventAttributes?.scheduledEventId ?? -1));
    return s === undefined ? [] : [at(e) - s];
  });
}

/** One burst alone: `node dist/test/bench/burst.js <candidates> <workers> <connections> [bystanders]`. */
if (require.main === module) {
  const [candidates, workers, connections, bystanders] = process.argv.slice(2).map(Number);
  runWithStack({ worker: false, keyPermissions: Object.fromEntries([API_KEY, ...BENCH_KEYS].map((k) => [k, LEVER_RESOURCES])) }, async (stack) => {
    const r = await burst(stack, { candidates, workers, connections, idleSamples: 3, bystanders: bystanders || 0 });
    const p = (xs: number[], q: number) => percentile(xs, q).toFixed(0);
    console.log(JSON.stringify({ ...r, latencies: undefined, idleLatencies: r.idleLatencies, p50: p(r.latencies, 0.5), p99: p(r.latencies, 0.99) }, null, 1));
  });
}
