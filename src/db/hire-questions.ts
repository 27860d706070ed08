import { randomBytes } from 'node:crypto';
import type { Db } from './pool';

export type HireQuestion = {
  code: string; workflowId: string; runId: string; requestId: string; ownerEmail: string;
  expiresAt: Date; answeredAt: Date | null; answer: 'yes' | 'no' | null; answeredVia: string | null;
};
type Row = {
  code: string; workflow_id: string; run_id: string; request_id: string; owner_email: string;
  expires_at: Date; answered_at: Date | null; answer: 'yes' | 'no' | null; answered_via: string | null;
};
const toQuestion = (r: Row): HireQuestion => ({
  code: r.code, workflowId: r.workflow_id, runId: r.run_id, requestId: r.request_id, ownerEmail: r.owner_email,
  expiresAt: r.expires_at, answeredAt: r.answered_at, answer: r.answer, answeredVia: r.answered_via,
});

/** One question per workflow run; a retried activity gets the same code back. */
export async function openHireQuestion(db: Db, q: { workflowId: string; runId: string; requestId: string; ownerEmail: string; expiresAt: Date }): Promise<HireQuestion> {
  const [row] = await db.query<Row>(
    `insert into hire_questions (code, workflow_id, run_id, request_id, owner_email, expires_at) values ($1, $2, $3, $4, $5, $6)
     on conflict (run_id) do update set run_id = excluded.run_id returning *`,
    [randomBytes(12).toString('hex'), q.workflowId, q.runId, q.requestId, q.ownerEmail, q.expiresAt],
  );
  return toQuestion(row);
}

export async function findHireQuestion(db: Db, code: string): Promise<HireQuestion | undefined> {
  const [row] = await db.query<Row>('select * from hire_questions where code = $1', [code]);
  return row ? toQuestion(row) : undefined;
}

/** Claims the answer: true only for the first answer to an open question. */
export async function claimHireAnswer(db: Db, code: string, answer: 'yes' | 'no', via: string): Promise<boolean> {
  const rows = await db.query(
    `update hire_questions set answered_at = now(), answer = $2, answered_via = $3
      where code = $1 and answered_at is null and expires_at > now() returning code`,
    [code, answer, via],
  );
  return rows.length === 1;
}

/** Gives a claimed answer back when it could not be delivered to the workflow, so the owner can try again. */
export async function releaseHireAnswer(db: Db, code: string): Promise<void> {
  await db.query('update hire_questions set answered_at = null, answer = null, answered_via = null where code = $1', [code]);
}
