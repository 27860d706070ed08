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
       candidate_name = null, posting_title = null, candidate_phone = null, candidate_email = null, owner_name = null, owner_email = null, request_id = null, outcome = null, finished_at = null
     where checks.run_id <> excluded.run_id`,
    [c.workflowId, c.runId, c.connectionId, c.opportunityId, c.startedBy],
  );
}

/**
 * Who the check is about and who owns it, as Lever has them (the posting's title, not the template's
 * position). Kept here, not in the workflow's history: the activities that mail them read them by run.
 */
export type CheckPeople = {
  candidateName: string; candidateEmail: string | null; candidatePhone: string | null;
  postingTitle: string | null; ownerName: string | null; ownerEmail: string | null;
};

export async function setCheckCandidate(db: Db, c: CheckRun & CheckPeople): Promise<void> {
  await db.query(
    `update checks set candidate_name = $3, posting_title = $4, candidate_phone = $5, candidate_email = $6, owner_name = $7, owner_email = $8
      where workflow_id = $1 and run_id = $2`,
    [c.workflowId, c.runId, c.candidateName, c.postingTitle, c.candidatePhone, c.candidateEmail, c.ownerName, c.ownerEmail],
  );
}

export async function findCheckPeople(db: Db, c: CheckRun): Promise<CheckPeople | undefined> {
  const [row] = await db.query<{ candidate_name: string | null; candidate_email: string | null; candidate_phone: string | null; posting_title: string | null; owner_name: string | null; owner_email: string | null }>(
    'select candidate_name, candidate_email, candidate_phone, posting_title, owner_name, owner_email from checks where workflow_id = $1 and run_id = $2',
    [c.workflowId, c.runId],
  );
  if (!row || row.candidate_name === null) return undefined;
  return {
    candidateName: row.candidate_name, candidateEmail: row.candidate_email, candidatePhone: row.candidate_phone,
    postingTitle: row.posting_title, ownerName: row.owner_name, ownerEmail: row.owner_email,
  };
}

/** Lever deleted the candidate: the console's rows keep the ids and the outcome, not who it was. */
export async function forgetCheckPeople(db: Db, connectionId: string, opportunityId: string): Promise<void> {
  await db.query(
    `update checks set candidate_name = null, candidate_email = null, candidate_phone = null, owner_name = null, owner_email = null
      where connection_id = $1 and opportunity_id = $2`,
    [connectionId, opportunityId],
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
