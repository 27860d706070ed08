import { randomBytes } from 'node:crypto';
import { createDb, type Db } from '../src/db/pool';
import { takeLeverSlot, type LeverBudget } from '../src/db/rate-limit';
import { TokenBuckets } from '../src/fake-lever/rate-limit';
import { suiteEnv } from './helpers/env';

/**
 * The Lever limiter on its own, against the suite's real Postgres: several pools stand for
 * several worker processes sharing one API key's bucket, as they do in production.
 */
const PROCESSES = 4;
/** Lever's own limit for a key: 10 requests/s, bursts to 20. */
const LEVER = { ratePerSecond: 10, burst: 20 };
/** Lever's full rate, a burst with a margin for network jitter, and a short horizon so callers reach it. */
const budget: LeverBudget = { ratePerSecond: 10, burst: 15, horizonMs: 1_000 };
/** An activity attempt's start-to-close timeout, a few horizons long, as 2 minutes is to the default 5 s. */
const ATTEMPT_TIMEOUT_MS = 4_000;

let processes: Db[];
beforeAll(() => {
  processes = Array.from({ length: PROCESSES }, () => createDb(suiteEnv().databaseUrl, 4));
});
afterAll(() => Promise.all(processes.map((db) => db.close())));

// By name: jest's realms break `instanceof` for Node's own errors.
const isAbort = (err: unknown) => ['AbortError', 'TimeoutError'].includes((err as { name?: string } | undefined)?.name ?? '');

test('when 90 callers in four processes share a key and a third abandon a slot, then none is told to wait past the horizon, Lever never sees more than 10/s beyond its burst, and every caller gets through', async () => {
  const key = `key-${randomBytes(6).toString('hex')}`;
  const toldToWaitMs: number[] = [];
  const reservationsPerCall: number[] = [];
  const sentAt: number[] = [];

  const callers = Array.from({ length: 90 }, async (_, i) => {
    const db = processes[i % PROCESSES];
    if (i % 3 === 0) {
      // An attempt that booked its slot (or was still asking) and was then cancelled or timed out: the slot goes unused.
      await takeLeverSlot(db, key, budget, { signal: AbortSignal.timeout(300) }).then((w) => toldToWaitMs.push(w.bookedWaitMs), (err) => {
        if (!isAbort(err)) throw err;
      });
    }
    // Each attempt has a timeout, as an activity does; one that runs out is retried, as Temporal would.
    for (;;) {
      try {
        const wait = await takeLeverSlot(db, key, budget, { signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) });
        sentAt.push(performance.now());
        toldToWaitMs.push(wait.bookedWaitMs);
        reservationsPerCall.push(wait.reservations);
        return;
      } catch (err) {
        if (!isAbort(err)) throw err;
      }
    }
  });
  await Promise.all(callers);

  expect(sentAt).toHaveLength(90);
  expect(Math.max(...toldToWaitMs)).toBeLessThanOrEqual(budget.horizonMs);
  // The horizon was reached: some callers were turned away and asked again.
  expect(Math.max(...reservationsPerCall)).toBeGreaterThan(1);

  // Lever's own bucket, replayed over the send times, would have let every request through.
  let now = 0;
  const lever = new TokenBuckets(LEVER.ratePerSecond, LEVER.burst, () => now);
  const refused = [...sentAt].sort((a, b) => a - b).filter((t) => {
    now = t;
    return !lever.take(key);
  });
  expect(refused).toEqual([]);
}, 120_000);
