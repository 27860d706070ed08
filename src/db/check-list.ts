import type { TemplateSettings } from '../templates/schema';
import type { Db } from './pool';

/**
 * The console's reads of checks, always within one organisation (through its connections).
 * Newest first with keyset pagination (started_at, workflow_id), so page 200 costs what page 1
 * does; every filter is a plain predicate on indexed columns or the joined request.
 */
export const CHECK_STATUSES = ['running', 'concluded', 'stopped', 'not-started'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];
/** How a finished run's outcome groups for the status filter. */
const OUTCOMES: Record<Exclude<CheckStatus, 'running'>, string[]> = {
  concluded: ['hired', 'not-hired', 'hire-unconfirmed'],
  stopped: ['archived', 'deleted', 'cancelled'],
  'not-started': ['stale-trigger', 'no-template', 'confidential-no-access', 'failed'],
};

export type CheckFilter = { status?: CheckStatus; job?: string; connectionId?: string; q?: string; after?: { startedAt: Date; workflowId: string }; limit?: number };

export type CheckRow = {
  workflowId: string; runId: string; connectionId: string; connectionName: string; opportunityId: string;
  candidateName: string | null; postingTitle: string | null; outcome: string | null; startedBy: string | null;
  startedAt: Date; finishedAt: Date | null;
  request: null | {
    id: string; status: string; templateName: string | null; nominatedAt: Date | null; concludedAt: Date | null;
    candidateEmail: string; candidateIp: string | null; candidateUserAgent: string | null; templateSnapshot: TemplateSettings | null;
  };
  hireOutcome: string | null; hireSource: string | null;
};

type Row = {
  workflow_id: string; run_id: string; connection_id: string; connection_name: string; opportunity_id: string; candidate_name: string | null;
  posting_title: string | null; outcome: string | null; started_by: string | null; started_at: Date; finished_at: Date | null;
  request_id: string | null; request_status: string | null; template_name: string | null; nominated_at: Date | null; concluded_at: Date | null;
  candidate_email: string | null; candidate_ip: string | null; candidate_user_agent: string | null; template_snapshot: TemplateSettings | null;
  hire_outcome: string | null; hire_source: string | null;
};

const SELECT = `select k.workflow_id, k.run_id, k.connection_id, c.name as connection_name, k.opportunity_id, k.candidate_name, k.posting_title,
    k.outcome, k.started_by, k.started_at, k.finished_at, k.request_id, r.status as request_status, t.name as template_name,
    r.nominated_at, r.concluded_at, r.candidate_email, r.candidate_ip, r.candidate_user_agent, r.template_snapshot,
    h.outcome as hire_outcome, h.source as hire_source
  from checks k
  join lever_connections c on c.id = k.connection_id
  left join reference_requests r on r.id = k.request_id
  left join templates t on t.id = r.template_id
  left join hire_outcomes h on h.run_id = k.run_id`;

const toRow = (r: Row): CheckRow => ({
  workflowId: r.workflow_id, runId: r.run_id, connectionId: r.connection_id, connectionName: r.connection_name, opportunityId: r.opportunity_id,
  candidateName: r.candidate_name, postingTitle: r.posting_title, outcome: r.outcome, startedBy: r.started_by, startedAt: r.started_at, finishedAt: r.finished_at,
  request: r.request_id
    ? { id: r.request_id, status: r.request_status!, templateName: r.template_name, nominatedAt: r.nominated_at, concludedAt: r.concluded_at,
      candidateEmail: r.candidate_email!, candidateIp: r.candidate_ip, candidateUserAgent: r.candidate_user_agent, templateSnapshot: r.template_snapshot }
    : null,
  hireOutcome: r.hire_outcome, hireSource: r.hire_source,
});

export async function listChecks(db: Db, organisationId: string, f: CheckFilter = {}): Promise<CheckRow[]> {
  const where = ['c.organisation_id = $1'];
  const values: unknown[] = [organisationId];
  const add = (clause: (n: string) => string, value: unknown) => {
    values.push(value);
    where.push(clause(`$${values.length}`));
  };
  if (f.status === 'running') where.push('k.finished_at is null');
  else if (f.status) add((n) => `k.outcome = any(${n}::text[])`, OUTCOMES[f.status]);
  if (f.connectionId) add((n) => `k.connection_id = ${n}`, f.connectionId);
  if (f.job) add((n) => `k.posting_title = ${n}`, f.job);
  if (f.q) {
    // An opportunity id (or the Lever URL it was pasted from) matches exactly; anything else matches names.
    add((n) => `(k.opportunity_id = ${n} or k.candidate_name ilike '%' || ${n} || '%')`, f.q);
  }
  if (f.after) {
    values.push(f.after.startedAt, f.after.workflowId);
    where.push(`(k.started_at, k.workflow_id) < ($${values.length - 1}, $${values.length})`);
  }
  values.push(Math.min(f.limit ?? 25, 100));
  const rows = await db.query<Row>(`${SELECT} where ${where.join(' and ')} order by k.started_at desc, k.workflow_id desc limit $${values.length}`, values);
  return rows.map(toRow);
}

export async function findCheck(db: Db, organisationId: string, workflowId: string): Promise<CheckRow | undefined> {
  const [row] = await db.query<Row>(`${SELECT} where c.organisation_id = $1 and k.workflow_id = $2`, [organisationId, workflowId]);
  return row ? toRow(row) : undefined;
}

/** How many of the connection's checks (each as its latest run left it) ended with `outcome`. */
export async function countChecksEnded(db: Db, connectionId: string, outcome: string): Promise<number> {
  const [row] = await db.query<{ n: string }>('select count(*) as n from checks where connection_id = $1 and outcome = $2', [connectionId, outcome]);
  return Number(row?.n ?? 0);
}

/** The jobs the organisation's checks were for, for the filter's dropdown. */
export async function listCheckJobs(db: Db, organisationId: string): Promise<string[]> {
  const rows = await db.query<{ posting_title: string }>(
    `select distinct k.posting_title from checks k join lever_connections c on c.id = k.connection_id
      where c.organisation_id = $1 and k.posting_title is not null order by 1 limit 200`,
    [organisationId],
  );
  return rows.map((r) => r.posting_title);
}
