import { randomBytes } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { Relationship } from '../templates/schema';
import type { Db } from './pool';

export type RefereeStatus = 'nominated' | 'invited' | 'answered' | 'declined' | 'expired' | 'replaced';
export type Confirmed = { name: string; title?: string; company?: string; relationship: Relationship };
/** One answer per survey question, by question id: a rating 1-5, a chosen option, or text. */
export type SurveyAnswer = { questionId: string; rating?: number; choice?: string; text?: string };

export type NewReferee = {
  relationship: Relationship;
  optional: boolean;
  name: string;
  email: string;
  phone?: string;
  company?: string;
  title?: string;
  workedTogether?: string;
};

export type Referee = NewReferee & {
  id: string;
  requestId: string;
  slot: number;
  status: RefereeStatus;
  replaces: string | null;
  nominatedAt: Date;
  invitedAt: Date | null;
  openedAt: Date | null;
  concludedAt: Date | null;
  confirmed: Confirmed | null;
  answers: SurveyAnswer[] | null;
  declineReason: string | null;
  optInJobs: boolean;
  submitIp: string | null;
  submitUserAgent: string | null;
  remindersSent: number;
};

type Row = {
  id: string; request_id: string; slot: number; relationship: Relationship; optional: boolean; name: string; email: string;
  phone: string | null; company: string | null; title: string | null; worked_together: string | null; status: RefereeStatus;
  replaces: string | null; nominated_at: Date; invited_at: Date | null; opened_at: Date | null; concluded_at: Date | null;
  confirmed: Confirmed | null; answers: SurveyAnswer[] | null; decline_reason: string | null; opt_in_jobs: boolean;
  submit_ip: string | null; submit_user_agent: string | null; reminders_sent: number;
};

const toReferee = (r: Row): Referee => ({
  id: r.id, requestId: r.request_id, slot: r.slot, relationship: r.relationship, optional: r.optional, name: r.name, email: r.email,
  phone: r.phone ?? undefined, company: r.company ?? undefined, title: r.title ?? undefined, workedTogether: r.worked_together ?? undefined,
  status: r.status, replaces: r.replaces, nominatedAt: r.nominated_at, invitedAt: r.invited_at, openedAt: r.opened_at, concludedAt: r.concluded_at,
  confirmed: r.confirmed, answers: r.answers, declineReason: r.decline_reason, optInJobs: r.opt_in_jobs, submitIp: r.submit_ip,
  submitUserAgent: r.submit_user_agent, remindersSent: r.reminders_sent,
});

export const newRefereeId = () => `rf_${randomBytes(12).toString('base64url')}`;

/** Inserts inside the caller's transaction (nomination or replacement), so all or none are stored. */
export async function insertReferee(tx: PoolClient, requestId: string, slot: number, r: NewReferee, replaces: string | null = null): Promise<Referee> {
  const { rows } = await tx.query<Row>(
    `insert into referees (id, request_id, slot, relationship, optional, name, email, phone, company, title, worked_together, replaces)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning *`,
    [newRefereeId(), requestId, slot, r.relationship, r.optional, r.name, r.email, r.phone ?? null, r.company ?? null, r.title ?? null, r.workedTogether ?? null, replaces],
  );
  return toReferee(rows[0]);
}

export async function markReplaced(tx: PoolClient, refereeId: string): Promise<boolean> {
  const { rowCount } = await tx.query(`update referees set status = 'replaced', concluded_at = now() where id = $1 and status in ('nominated', 'invited')`, [refereeId]);
  return rowCount === 1;
}

export async function listReferees(db: Db, requestId: string): Promise<Referee[]> {
  return (await db.query<Row>('select * from referees where request_id = $1 order by slot, nominated_at', [requestId])).map(toReferee);
}

/** The referee who replaced this one (the candidate's replacement that committed), if any. */
export async function findReplacement(db: Db, refereeId: string): Promise<Referee | undefined> {
  const [row] = await db.query<Row>('select * from referees where replaces = $1', [refereeId]);
  return row ? toReferee(row) : undefined;
}

export async function findReferee(db: Db, id: string): Promise<Referee | undefined> {
  const [row] = await db.query<Row>('select * from referees where id = $1', [id]);
  return row ? toReferee(row) : undefined;
}

export async function markInvited(db: Db, id: string): Promise<void> {
  await db.query(`update referees set status = 'invited', invited_at = coalesce(invited_at, now()) where id = $1 and status = 'nominated'`, [id]);
}

export async function countReminder(db: Db, id: string): Promise<void> {
  await db.query('update referees set reminders_sent = reminders_sent + 1 where id = $1', [id]);
}

/** The first time the referee opens their page: the start of the survey clock. */
export async function markOpened(db: Db, id: string): Promise<void> {
  await db.query('update referees set opened_at = coalesce(opened_at, now()) where id = $1', [id]);
}

/** Records the referee's answer once; false if they had already answered, declined or expired. */
export async function recordAnswer(db: Db, id: string, a: { confirmed: Confirmed; answers: SurveyAnswer[]; optInJobs: boolean; ip: string | null; userAgent: string | null }): Promise<boolean> {
  const rows = await db.query(
    `update referees set status = 'answered', concluded_at = now(), confirmed = $2, answers = $3, opt_in_jobs = $4, submit_ip = $5, submit_user_agent = $6
      where id = $1 and status in ('nominated', 'invited') returning id`,
    [id, JSON.stringify(a.confirmed), JSON.stringify(a.answers), a.optInJobs, a.ip, a.userAgent],
  );
  return rows.length === 1;
}

export async function recordDecline(db: Db, id: string, d: { reason: string | null; ip: string | null; userAgent: string | null }): Promise<boolean> {
  const rows = await db.query(
    `update referees set status = 'declined', concluded_at = now(), decline_reason = $2, submit_ip = $3, submit_user_agent = $4
      where id = $1 and status in ('nominated', 'invited') returning id`,
    [id, d.reason, d.ip, d.userAgent],
  );
  return rows.length === 1;
}

/**
 * The referee's deadline passed with no signal. Returns the status the referee has now: an answer
 * stored while Temporal could not take its signal is still an answer, and still counts.
 */
export async function markExpired(db: Db, id: string): Promise<RefereeStatus | undefined> {
  await db.query(`update referees set status = 'expired', concluded_at = now() where id = $1 and status in ('nominated', 'invited')`, [id]);
  const [row] = await db.query<{ status: RefereeStatus }>('select status from referees where id = $1', [id]);
  return row?.status;
}

/** The referees of several requests in one query (the console's list of checks, one page at a time). */
export async function listRefereesOf(db: Db, requestIds: string[]): Promise<Referee[]> {
  if (requestIds.length === 0) return [];
  return (await db.query<Row>('select * from referees where request_id = any($1::text[]) order by request_id, slot, nominated_at', [requestIds])).map(toReferee);
}
