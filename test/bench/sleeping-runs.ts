/**
 * P5: the worker's memory with many runs asleep in the hire wait. Each run's template gives the
 * candidate one second to name referees and sends no reminder, so the run mails the invitation,
 * concludes the request as expired, publishes its report in Lever (link and note) and sleeps in
 * the hire wait (a month): the cheapest honest path there. Runs are spread over several
 * connections (one API key each) so Lever's 10/s per key is not what this measures. They arrive in
 * waves of the small count, as sleeping runs pile up over weeks. RSS is read from
 * /proc/<pid>/status of the worker process (started as deployed: MALLOC_ENV) once the runs are
 * asleep and the worker has been idle long enough for V8 to shrink its heaps (AT_REST_MS).
 */
import { LEVER_RESOURCES } from '../../src/fake-lever/server';
import { API_KEY, type Stack } from '../helpers/stack';
import { runWithStack } from '../tools/with-stack';
import { freshKeys } from './burst';
import { addConnection, BENCH_KEYS, newTaskQueue, phaseApi, seedCandidates, sendAll, sleep, spawnWorker, until, type BenchConnection, type WorkerProcess } from './kit';

const MONTH = 30 * 86_400;
export type SleepingResult = { small: number; large: number; rssSmallKb: number; rssLargeKb: number };

export async function sleepingRuns(stack: Stack, o: { small: number; large: number; keys: number; workerEnv?: Record<string, string> }): Promise<SleepingResult> {
  const api = await phaseApi(stack, newTaskQueue('sleep'));
  const worker = await spawnWorker(api.config, o.workerEnv);
  try {
    const conns: BenchConnection[] = [];
    for (const key of freshKeys(o.keys)) {
      conns.push(await addConnection(stack, key, {
        hireConfirmationDelaySeconds: MONTH,
        template: { deadlines: { candidateSeconds: 1, refereeSeconds: MONTH }, reminders: { intervalSeconds: MONTH, maxCount: 0, quietHours: { start: '20:00', end: '08:00', timeZone: 'UTC' } } },
      }));
    }
    const ids = conns.map((c) => c.connectionId);
    const asleep = () => stack.fake.requests.filter((r) => r.method === 'POST' && r.status >= 200 && r.status < 300 && r.path.endsWith('/notes') && ids.some((id) => r.path.includes(id))).length;
    let seeded = 0;
    const sleepUntil = async (n: number) => {
      const items = Array.from({ length: n - seeded }, (_, i) => {
        const c = conns[(seeded + i) % conns.length];
        return [c, seedCandidates(stack, c, 1, seeded + i)[0]] as const;
      });
      seeded = n;
      await sendAll(([c, opp]) => api.stageChange(c, opp), items, ([, opp]) => opp);
      await until(`${n} runs asleep in the hire wait`, () => asleep() >= n, 300_000 + n * 500, 1_000);
    };
    // Runs arrive in waves of the small size, each asleep before the next is sent, as they pile up
    // over weeks; bursts are P3's business.
    await sleepUntil(o.small);
    const rssSmallKb = await settledRss(worker);
    while (seeded < o.large) await sleepUntil(Math.min(o.large, seeded + o.small));
    const rssLargeKb = await settledRss(worker);
    return { small: o.small, large: o.large, rssSmallKb, rssLargeKb };
  } finally {
    await worker.stop();
    await api.close();
  }
}

/**
 * How long the worker sits idle before its RSS counts as at rest. V8 gives back the heap it grew
 * for the work just done only through its memory reducer, which on an idle process runs up to
 * 100 s after its last collection (the reducer's watchdog), once per isolate (the worker's main
 * thread and its workflow thread). Measured: 60-100 s after the last run fell asleep, RSS then
 * fell by 100-170 MB; a reading before that measures the last wave's work, not the runs asleep.
 */
const AT_REST_MS = 150_000;

/** The lowest of the readings while the worker sits idle (its timers are a month away) for AT_REST_MS. */
async function settledRss(worker: WorkerProcess): Promise<number> {
  const readings: number[] = [];
  for (const until = Date.now() + AT_REST_MS; Date.now() < until; await sleep(2_500)) readings.push(worker.rssKb());
  return Math.min(...readings);
}

/** P5 alone, to compare cache sizes: `node dist/test/bench/sleeping-runs.js <small> <large> <WORKER_MAX_CACHED_WORKFLOWS>...` */
if (require.main === module) {
  const [small, large, ...caches] = process.argv.slice(2).map(Number);
  runWithStack({ worker: false, keyPermissions: Object.fromEntries([API_KEY, ...BENCH_KEYS].map((k) => [k, LEVER_RESOURCES])) }, async (stack) => {
    for (const cache of caches) {
      const r = await sleepingRuns(stack, { small, large, keys: 10, workerEnv: { WORKER_MAX_CACHED_WORKFLOWS: String(cache) } });
      console.log(`WORKER_MAX_CACHED_WORKFLOWS=${cache}: ${small} asleep ${(r.rssSmallKb / 1024).toFixed(0)} MB, ${large} asleep ${(r.rssLargeKb / 1024).toFixed(0)} MB (x${(r.rssLargeKb / r.rssSmallKb).toFixed(2)})`);
    }
  });
}
