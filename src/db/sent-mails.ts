import type { Db } from './pool';

export async function findSentMail(db: Db, key: string): Promise<string | undefined> {
  const [row] = await db.query<{ message_id: string }>('select message_id from sent_mails where idempotency_key = $1', [key]);
  return row?.message_id;
}

export async function recordSentMail(db: Db, key: string, messageId: string): Promise<void> {
  await db.query('insert into sent_mails (idempotency_key, message_id) values ($1, $2) on conflict do nothing', [key, messageId]);
}
