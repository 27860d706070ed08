import { randomBytes } from 'node:crypto';
import type { Db } from './pool';

export type HireQuestion = {
  code: string; replyCode: string | null; workflowId: string; runId: string; requestId: string; ownerEmail: string;
  expiresAt: Date; answeredAt: Date | null; answer: 'yes' | 'no' | null; answeredVia: string | null; deliveredAt: Date | null;
};
type Row = {
  code: string; reply_code: string | null; workflow_id: string; run_id: string; request_id: string; owner_email: string;
  expires_at: Date; answered_at: Date | null; answer: 'yes' | 'no' | null; answered_via: string | null; delivered_at: Date | null;
};
const toQuestion = (r: Row): HireQuestion => ({
  code: r.code, replyCode: r.reply_code, workflowId: r.workflow_id, runId: r.run_id, requestId: r.request_id, ownerEmail: r.owner_email,
  expiresAt: r.expires_at, answeredAt: r.answered_at, answer: r.answer, answeredVia: r.answered_via, deliveredAt: r.delivered_at,
});

/**
 * One question per workflow run; a retried activity gets the same codes back. Two secrets: `code`
 * is what the hire links sign, `replyCode` is the reply address's, so neither opens the other's way in.
 */
export async function openHireQuestion(db: Db, q: { workflowId: string; runId: string; requestId: string; ownerEmail: string; expiresAt: Date }): Promise<HireQuestion> {
  const [row] = await db.query<Row>(
    `insert into hire_questions (code, reply_code, workflow_id, run_id, request_id, owner_email, expires_at) values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (run_id) do update set run_id = excluded.run_id returning *`,
    [randomBytes(12).toString('hex'), randomBytes(16).toString('hex'), q.workflowId, q.runId, q.requestId, q.ownerEmail, q.expiresAt],
  );
  return toQuestion(row);
}

export async function findHireQuestion(db: Db, code: string): Promise<HireQuestion | undefined> {
  const [row] = await db.query<Row>('select * from hire_questions where code = $1', [code]);
  return row ? toQuestion(row) : undefined;
}

export async function findHireQuestionByReplyCode(db: Db, replyCode: string): Promise<HireQuestion | undefined> {
  const [row] = await db.query<Row>('select * from hire_questions where reply_code = $1', [replyCode]);
  return row ? toQuestion(row) : undefined;
}

/** Stores the answer: true only for the first answer to an open question. That answer is final (see migration 009). */
export async function claimHireAnswer(db: Db, code: string, answer: 'yes' | 'no', via: string): Promise<boolean> {
  const rows = await db.query(
    `update hire_questions set answered_at = now(), answer = $2, answered_via = $3
      where code = $1 and answered_at is null and expires_at > now() returning code`,
    [code, answer, via],
  );
  return rows.length === 1;
}

/** The stored answer reached the workflow (or the workflow had already ended). */
export async function markHireAnswerDelivered(db: Db, code: string): Promise<void> {
  await db.query('update hire_questions set delivered_at = now() where code = $1 and delivered_at is null', [code]);
}

/** Counts an unreadable reply; returns how many there have been, so the answer to them can be capped. */
export async function countUnclearReply(db: Db, code: string): Promise<number> {
  const [row] = await db.query<{ unclear_replies: number }>(
    'update hire_questions set unclear_replies = unclear_replies + 1 where code = $1 returning unclear_replies',
    [code],
  );
  return row?.unclear_replies ?? 0;
}
