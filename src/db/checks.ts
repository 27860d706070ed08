import type { Db } from './pool';

/**
 * The console's `checks` rows: one per check (workflow id), written by the workflow's activities.
 * Every write names the run it comes from, so a late retry from an earlier run of the same check
 * never touches the row once a restart has moved it to the newest run. Reads are in check-list.ts.
 */

export type CheckRun = { workflowId: string; runId: string };

/**
 * The run has begun. A new run of the same check (a restart) takes the row over and clears what
 * the earlier run wrote; a retry of the same run changes nothing.
 */
export async function recordCheckStarted(db: Db, c: CheckRun & { connectionId: string; opportunityId: string; startedBy: string }): Promise<void> {
  await db.query(
    `insert into checks (workflow_id, run_id, connection_id, opportunity_id, started_by, started_at)
     values ($1, $2, $3, $4, $5, now())
     on conflict (workflow_id) do update set
       run_id = excluded.run_id, connection_id = excluded.connection_id, opportunity_id = excluded.opportunity_id,
       started_by = excluded.started_by, started_at = now(),
       candidate_name = null, posting_title = null, candidate_phone = null, request_id = null, outcome = null, finished_at = null
     where checks.run_id <> excluded.run_id`,
    [c.workflowId, c.runId, c.connectionId, c.opportunityId, c.startedBy],
  );
}

/** Who the check is about, as Lever names them (the posting's title, not the template's position). */
export async function setCheckCandidate(db: Db, c: CheckRun & { candidateName: string; postingTitle: string | null; candidatePhone?: string | null }): Promise<void> {
  await db.query(
    'update checks set candidate_name = $3, posting_title = $4, candidate_phone = $5 where workflow_id = $1 and run_id = $2',
    [c.workflowId, c.runId, c.candidateName, c.postingTitle, c.candidatePhone ?? null],
  );
}

export async function setCheckRequest(db: Db, c: CheckRun & { requestId: string }): Promise<void> {
  await db.query('update checks set request_id = $3 where workflow_id = $1 and run_id = $2', [c.workflowId, c.runId, c.requestId]);
}

/** The run's end; the first outcome recorded stands, so a retry (or a late 'failed') changes nothing. */
export async function finishCheck(db: Db, c: CheckRun & { outcome: string }): Promise<void> {
  await db.query(
    'update checks set outcome = $3, finished_at = now() where workflow_id = $1 and run_id = $2 and outcome is null',
    [c.workflowId, c.runId, c.outcome],
  );
}
