import type { Db } from './pool';

/** What a delivery's token says: first seen now, seen before with the same body (a Lever retry), or with another body. */
export type TokenVerdict = 'first' | 'same-body' | 'other-body';

export type DeliveryToken = { connectionId: string; tokenSha256: Buffer; bodySha256: Buffer; triggeredAt: number };
/** A token's row after the insert: whether this statement made it, and the body hash it holds (the first delivery's). */
export type StoredToken = { inserted: boolean; bodySha256: Buffer };

/**
 * Remembers deliveries' tokens with their bodies' hashes, many in one statement (DeliveryTokens
 * gathers the ones that arrive together). Each token must appear once per call. On conflict the
 * no-op update locks and returns the stored row, so two concurrent copies of one delivery both see
 * the first one's hash (a plain `do nothing` would return no row to compare); `xmax = 0` only on a
 * row this statement inserted. A named statement: each pooled connection parses and plans it once.
 */
export async function rememberDeliveryTokens(db: Db, tokens: DeliveryToken[]): Promise<StoredToken[]> {
  const { rows } = await db.pool.query<{ connection_id: string; token_sha256: Buffer; inserted: boolean; body_sha256: Buffer }>({
    name: 'remember-delivery-tokens',
    text: `insert into webhook_delivery_tokens as t (connection_id, token_sha256, body_sha256, triggered_at)
     select c, k, b, to_timestamp(at / 1000) from unnest($1::text[], $2::bytea[], $3::bytea[], $4::double precision[]) as d(c, k, b, at)
     on conflict (connection_id, token_sha256) do update set body_sha256 = t.body_sha256
     returning t.connection_id, t.token_sha256, t.xmax::text = '0' as inserted, t.body_sha256`,
    values: [tokens.map((t) => t.connectionId), tokens.map((t) => t.tokenSha256), tokens.map((t) => t.bodySha256), tokens.map((t) => t.triggeredAt)],
  });
  const stored = new Map(rows.map((r) => [tokenKey(r.connection_id, r.token_sha256), { inserted: r.inserted, bodySha256: r.body_sha256 }]));
  return tokens.map((t) => stored.get(tokenKey(t.connectionId, t.tokenSha256))!);
}

/** A delivery judged against its token's row; `first` only for the delivery whose insert made the row. */
export function verdictOf(delivery: DeliveryToken, row: StoredToken, madeByThis: boolean): TokenVerdict {
  if (!row.bodySha256.equals(delivery.bodySha256)) return 'other-body';
  return row.inserted && madeByThis ? 'first' : 'same-body';
}

export const tokenKey = (connectionId: string, tokenSha256: Buffer) => `${connectionId}:${tokenSha256.toString('hex')}`;

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
