import { randomBytes } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { Db } from './pool';

/** 'replaced': its run failed and the check was started again with a new request. */
export type RequestStatus = 'open' | 'completed' | 'expired' | 'cancelled' | 'replaced';

import type { TemplateSettings } from '../templates/schema';

export type NewRequest = {
  workflowId: string;
  runId: string;
  connectionId: string;
  opportunityId: string;
  templateId: string;
  candidateName: string;
  candidateEmail: string;
  postingTitle: string | null;
  requiredReferences: number;
  deadlineAt: Date;
  /** the template as it was when the request opened (null for requests from before it was kept) */
  templateSnapshot?: TemplateSettings | null;
};

export type ReferenceRequest = NewRequest & {
  id: string; status: RequestStatus; createdAt: Date; concludedAt: Date | null;
  templateSnapshot: TemplateSettings | null; consentAt: Date | null; nominatedAt: Date | null;
  candidateIp: string | null; candidateUserAgent: string | null;
  /** as Lever had it when the check started (see setCheckCandidate); texts need it in E.164 */
  candidatePhone: string | null;
};

type Row = {
  id: string; workflow_id: string; run_id: string; connection_id: string; opportunity_id: string; template_id: string;
  candidate_name: string; candidate_email: string; posting_title: string | null; required_references: number;
  deadline_at: Date; status: RequestStatus; created_at: Date; concluded_at: Date | null;
  template_snapshot: TemplateSettings | null; consent_at: Date | null; nominated_at: Date | null;
  candidate_ip: string | null; candidate_user_agent: string | null; candidate_phone: string | null;
};

const toRequest = (r: Row): ReferenceRequest => ({
  id: r.id, workflowId: r.workflow_id, runId: r.run_id, connectionId: r.connection_id, opportunityId: r.opportunity_id,
  templateId: r.template_id, candidateName: r.candidate_name, candidateEmail: r.candidate_email, postingTitle: r.posting_title,
  requiredReferences: r.required_references, deadlineAt: r.deadline_at, status: r.status, createdAt: r.created_at, concludedAt: r.concluded_at,
  templateSnapshot: r.template_snapshot, consentAt: r.consent_at, nominatedAt: r.nominated_at, candidateIp: r.candidate_ip, candidateUserAgent: r.candidate_user_agent,
  candidatePhone: r.candidate_phone,
});

/**
 * Idempotent per workflow run: a retried activity gets the request it created the first time.
 * An earlier request for the same candidate still open belonged to a run that failed or was
 * terminated: the new one replaces it, so its link no longer offers a form nobody will read.
 */
export async function openRequest(db: Db, r: NewRequest): Promise<ReferenceRequest> {
  return db.withTransaction(async (tx) => {
    const { rows: [row] } = await tx.query<Row>(
      `insert into reference_requests (id, workflow_id, run_id, connection_id, opportunity_id, template_id,
         candidate_name, candidate_email, posting_title, required_references, deadline_at, template_snapshot, candidate_phone)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
         -- The phone Lever gave this run's first read; it travels through Postgres, not the workflow's history.
         (select candidate_phone from checks where workflow_id = $2 and run_id = $3))
       on conflict (run_id) do update set run_id = excluded.run_id
       returning *`,
      [`rq_${randomBytes(12).toString('base64url')}`, r.workflowId, r.runId, r.connectionId, r.opportunityId, r.templateId,
        r.candidateName, r.candidateEmail, r.postingTitle, r.requiredReferences, r.deadlineAt, r.templateSnapshot ? JSON.stringify(r.templateSnapshot) : null],
    );
    await tx.query(
      `update reference_requests set status = 'replaced', concluded_at = coalesce(concluded_at, now())
        where connection_id = $1 and opportunity_id = $2 and run_id <> $3 and status = 'open'`,
      [r.connectionId, r.opportunityId, r.runId],
    );
    return toRequest(row);
  });
}

export async function findRequest(db: Db, id: string): Promise<ReferenceRequest | undefined> {
  const [row] = await db.query<Row>('select * from reference_requests where id = $1', [id]);
  return row ? toRequest(row) : undefined;
}

export type HireOutcome = 'hired' | 'not-hired' | 'unconfirmed';

export async function recordHireOutcome(db: Db, o: { runId: string; workflowId: string; requestId: string | null; outcome: HireOutcome; source: string }): Promise<void> {
  await db.query(
    `insert into hire_outcomes (run_id, workflow_id, request_id, outcome, source) values ($1, $2, $3, $4, $5)
     on conflict (run_id) do nothing`,
    [o.runId, o.workflowId, o.requestId, o.outcome, o.source],
  );
}

/** The candidate's consent and nomination, once (a second tab's submit finds it taken), with where it came from. */
export async function recordNomination(tx: PoolClient, id: string, from: { ip: string | null; userAgent: string | null }): Promise<boolean> {
  const { rowCount } = await tx.query(
    `update reference_requests set consent_at = coalesce(consent_at, now()), nominated_at = coalesce(nominated_at, now()),
       candidate_ip = coalesce(candidate_ip, $2), candidate_user_agent = coalesce(candidate_user_agent, $3)
      where id = $1 and status = 'open' and nominated_at is null`,
    [id, from.ip, from.userAgent],
  );
  return rowCount === 1;
}

/** Concludes a portal request (answers live on the referees); replaying it changes nothing. */
export async function markConcluded(db: Db, id: string, status: Exclude<RequestStatus, 'open' | 'replaced'>): Promise<void> {
  await db.query(`update reference_requests set status = $2, concluded_at = coalesce(concluded_at, now()) where id = $1 and status = 'open'`, [id, status]);
}

/**
 * Lever deleted the candidate: refcheck forgets them too. The request goes with its referees,
 * answers, timeline and hire question (foreign keys cascade); deliveries keep only ids.
 */
export async function deleteRequest(db: Db, id: string): Promise<void> {
  await db.query('delete from reference_requests where id = $1', [id]);
}

/** Every request refcheck keeps for a candidate Lever deleted, when no run is left to do it. */
export async function deleteRequestsForOpportunity(db: Db, connectionId: string, opportunityId: string): Promise<number> {
  const rows = await db.query('delete from reference_requests where connection_id = $1 and opportunity_id = $2 returning id', [connectionId, opportunityId]);
  return rows.length;
}

/**
 * This candidate's request that already ran to its end (completed or expired, not cancelled), if
 * any: read by a run's first step. Temporal forgets closed runs after the namespace's retention; this record does not.
 */
export async function findConcludedRequest(db: Db, connectionId: string, opportunityId: string): Promise<{ requestId: string; status: 'completed' | 'expired' } | undefined> {
  const [row] = await db.query<{ id: string; status: 'completed' | 'expired' }>(
    `select id, status from reference_requests where connection_id = $1 and opportunity_id = $2 and status in ('completed', 'expired') order by created_at desc limit 1`,
    [connectionId, opportunityId],
  );
  return row && { requestId: row.id, status: row.status };
}
