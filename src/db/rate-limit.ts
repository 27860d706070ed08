import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from './pool';

/**
 * One API key's Lever budget: `ratePerSecond` steady with bursts to `burst`, and how far ahead
 * (`horizonMs`) a caller may book its slot.
 */
export type LeverBudget = { ratePerSecond: number; burst: number; horizonMs: number };

/** A slot `waitMs` from now (never more than the horizon), or none: the booked slots already reach the horizon. */
export type SlotReservation = { booked: true; waitMs: number } | { booked: false };

/**
 * Books one request slot in a token bucket shared by every process (one row per API key).
 * The bucket may go negative, which books a future slot, but only down to `horizon x rate`:
 * a caller beyond the horizon books nothing and asks again later. So no caller is ever told to
 * wait longer than the horizon, and a booked slot its caller never uses (cancelled, timed out)
 * costs the others one slot, never a queue that grows past Temporal's activity timeout.
 */
export async function reserveLeverSlot(db: Db, keyId: string, budget: LeverBudget): Promise<SlotReservation> {
  const [row] = await db.query<{ tokens: number }>(
    `insert into lever_rate_buckets as b (key_id, tokens, refilled_at) values ($1, $3::double precision - 1, clock_timestamp())
     on conflict (key_id) do update set
       tokens = least($3::double precision, b.tokens + extract(epoch from clock_timestamp() - b.refilled_at) * $2::double precision) - 1,
       refilled_at = clock_timestamp()
     where least($3::double precision, b.tokens + extract(epoch from clock_timestamp() - b.refilled_at) * $2::double precision) - 1
           >= -($4::double precision * $2::double precision)
     returning tokens`,
    [keyId, budget.ratePerSecond, budget.burst, budget.horizonMs / 1000],
  );
  if (!row) return { booked: false };
  const waitMs = row.tokens >= 0 ? 0 : Math.ceil((-row.tokens / budget.ratePerSecond) * 1000);
  return { booked: true, waitMs: Math.min(waitMs, budget.horizonMs) };
}

export type SlotWaitOptions = {
  /** Called at least every few seconds while waiting (an activity's heartbeat). */
  heartbeat?: () => void;
  /** Stops the wait (the activity was cancelled, the page gave up); the wait then rejects with an AbortError. */
  signal?: AbortSignal;
};

/** How a caller's wait went: how many times it asked, and the wait its booked slot came with. */
export type SlotWait = { reservations: number; bookedWaitMs: number };

const HEARTBEAT_EVERY_MS = 5_000;

/**
 * Waits until this caller may send one request to Lever. Beyond the horizon it books nothing and
 * asks again after a jittered pause: a slot frees every 1/rate s, and a pause of at most half the
 * horizon brings the caller back while the booked queue still holds work, so Lever's budget stays
 * in use while callers wait, and the jitter keeps waiters from asking all at once.
 */
export async function takeLeverSlot(db: Db, keyId: string, budget: LeverBudget, opts: SlotWaitOptions = {}): Promise<SlotWait> {
  for (let reservations = 1; ; reservations++) {
    opts.signal?.throwIfAborted();
    opts.heartbeat?.();
    const slot = await reserveLeverSlot(db, keyId, budget);
    if (slot.booked) {
      await pause(slot.waitMs, opts);
      return { reservations, bookedWaitMs: slot.waitMs };
    }
    await pause(1000 / budget.ratePerSecond + Math.random() * (budget.horizonMs / 2), opts);
  }
}

async function pause(ms: number, opts: SlotWaitOptions): Promise<void> {
  for (let left = ms; left > 0; left -= HEARTBEAT_EVERY_MS) {
    await sleep(Math.min(left, HEARTBEAT_EVERY_MS), undefined, { signal: opts.signal });
    if (left > HEARTBEAT_EVERY_MS) opts.heartbeat?.();
  }
}
