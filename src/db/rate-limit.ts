import type { Db } from './pool';

/**
 * Reserves one request slot in a token bucket shared by every process (one row per API key).
 * The bucket may go negative: each caller books a future slot and is told how long to wait for it,
 * so callers are spaced at `rate` per second once the burst is spent, with no retry loop.
 * Returns the milliseconds to wait before sending.
 */
export async function reserveLeverSlot(db: Db, keyId: string, ratePerSecond: number, burst: number): Promise<number> {
  const [row] = await db.query<{ tokens: number }>(
    `insert into lever_rate_buckets as b (key_id, tokens, refilled_at) values ($1, $3::double precision - 1, clock_timestamp())
     on conflict (key_id) do update set
       tokens = least($3::double precision, b.tokens + extract(epoch from clock_timestamp() - b.refilled_at) * $2) - 1,
       refilled_at = clock_timestamp()
     returning tokens`,
    [keyId, ratePerSecond, burst],
  );
  return row.tokens >= 0 ? 0 : Math.ceil((-row.tokens / ratePerSecond) * 1000);
}
