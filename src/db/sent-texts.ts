import type { Db } from './pool';

/** One text refcheck means to send (see migration 005): claimed, then sent, skipped or failed. */
export type SentTextRow = {
  key: string;
  status: 'sending' | 'sent' | 'skipped' | 'failed';
  sealedMessage: string | null;
  claimedAt: Date;
};

export async function findText(db: Db, key: string): Promise<SentTextRow | undefined> {
  const [row] = await db.query<{ idempotency_key: string; status: SentTextRow['status']; sealed_message: string | null; claimed_at: Date }>(
    'select idempotency_key, status, sealed_message, claimed_at from sent_texts where idempotency_key = $1',
    [key],
  );
  return row && { key: row.idempotency_key, status: row.status, sealedMessage: row.sealed_message, claimedAt: row.claimed_at };
}

/** Claims the text before the provider is called; a concurrent or earlier claim wins, and is returned. */
export async function claimText(
  db: Db,
  t: { key: string; requestId: string; refereeId: string | null; kind: string; sealedMessage: string; bodySha256: string },
): Promise<SentTextRow> {
  await db.query(
    `insert into sent_texts (idempotency_key, request_id, referee_id, kind, status, sealed_message, body_sha256)
     values ($1, $2, $3, $4, 'sending', $5, $6) on conflict (idempotency_key) do nothing`,
    [t.key, t.requestId, t.refereeId, t.kind, t.sealedMessage, t.bodySha256],
  );
  return (await findText(db, t.key))!;
}

/** Settled for good: the message itself is dropped, only the provider's id (or the reason) stays. */
export async function settleText(
  db: Db,
  t: { key: string; status: 'sent' | 'failed'; providerMessageId?: string; segments?: number | null; reason?: string },
): Promise<void> {
  await db.query(
    `update sent_texts set status = $2, provider_message_id = $3, segments = $4, reason = $5, sealed_message = null, settled_at = now()
     where idempotency_key = $1 and status = 'sending'`,
    [t.key, t.status, t.providerMessageId ?? null, t.segments ?? null, t.reason ?? null],
  );
}

/** Not sent, and never will be (no number, texts off on this server): recorded so the console can say why. */
export async function skipText(db: Db, t: { key: string; requestId: string; refereeId: string | null; kind: string; reason: string }): Promise<void> {
  await db.query(
    `insert into sent_texts (idempotency_key, request_id, referee_id, kind, status, reason, settled_at)
     values ($1, $2, $3, $4, 'skipped', $5, now()) on conflict (idempotency_key) do nothing`,
    [t.key, t.requestId, t.refereeId, t.kind, t.reason],
  );
}

export type TextSummary = { kind: string; refereeId: string | null; status: string; reason: string | null; segments: number | null; at: Date };

/** A request's texts, oldest first, for the console's check page. */
export async function listTexts(db: Db, requestId: string): Promise<TextSummary[]> {
  const rows = await db.query<{ kind: string; referee_id: string | null; status: string; reason: string | null; segments: number | null; at: Date }>(
    `select kind, referee_id, status, reason, segments, coalesce(settled_at, claimed_at) as at
     from sent_texts where request_id = $1 order by claimed_at, idempotency_key`,
    [requestId],
  );
  return rows.map((r) => ({ kind: r.kind, refereeId: r.referee_id, status: r.status, reason: r.reason, segments: r.segments, at: r.at }));
}
