import type { Db } from './pool';

/** What a delivery's token says: first seen now, seen before with the same body (a Lever retry), or with another body. */
export type TokenVerdict = 'first' | 'same-body' | 'other-body';

/**
 * Remembers a delivery's token with its body's hash, in one round trip on the acknowledgement path.
 * On conflict the no-op update locks and returns the stored row, so two concurrent copies of one
 * delivery both see the first one's hash (a plain `do nothing` would return no row to compare);
 * `xmax = 0` only on a row this statement inserted. A named statement: each pooled connection
 * parses and plans it once, not once per delivery.
 */
export async function rememberDeliveryToken(
  db: Db,
  d: { connectionId: string; tokenSha256: Buffer; bodySha256: Buffer; triggeredAt: number },
): Promise<TokenVerdict> {
  const { rows: [row] } = await db.pool.query<{ inserted: boolean; same_body: boolean }>({
    name: 'remember-delivery-token',
    text: `insert into webhook_delivery_tokens as t (connection_id, token_sha256, body_sha256, triggered_at)
     values ($1, $2, $3, to_timestamp($4::double precision / 1000))
     on conflict (connection_id, token_sha256) do update set body_sha256 = t.body_sha256
     returning t.xmax::text = '0' as inserted, t.body_sha256 = $3 as same_body`,
    values: [d.connectionId, d.tokenSha256, d.bodySha256, d.triggeredAt],
  });
  if (!row.same_body) return 'other-body';
  return row.inserted ? 'first' : 'same-body';
}

/**
 * Forgets tokens whose triggeredAt is before `olderThan`. Safe once `olderThan` is no later than
 * now minus WEBHOOK_MAX_AGE_SECONDS: the ingress refuses such an envelope on its age alone.
 * Returns how many went.
 */
export async function purgeExpiredWebhookTokens(db: Db, olderThan: Date): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    'with gone as (delete from webhook_delivery_tokens where triggered_at < $1 returning 1) select count(*)::int as n from gone',
    [olderThan],
  );
  return row.n;
}
