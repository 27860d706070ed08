import type { Db } from './pool';

/**
 * Prospects: referees who answered and ticked "hear about jobs" (referees.opt_in_jobs), with what
 * refcheck has sent of them to Lever. The console reads them within one organisation (through its
 * connections); the export's activities read and write them by referee id.
 */
export const DEFAULT_PROSPECT_TAG = 'refcheck prospect';

export type ProspectSettings = { connectionId: string; connectionName: string; autoExport: boolean; performAs: string | null; tag: string };
export type ExportOutcome = 'created' | 'existing';

export type ProspectRow = {
  refereeId: string; name: string; email: string; company: string | null; title: string | null;
  connectionId: string; connectionName: string; opportunityId: string; candidateName: string; answeredAt: Date;
  exportedAt: Date | null; leverOpportunityId: string | null; outcome: ExportOutcome | null; lastError: string | null;
};

type Row = {
  referee_id: string; name: string; email: string; company: string | null; title: string | null; connection_id: string; connection_name: string;
  opportunity_id: string; candidate_name: string; answered_at: Date; exported_at: Date | null; lever_opportunity_id: string | null;
  outcome: ExportOutcome | null; last_error: string | null;
};

// The referee's own corrections (confirmed on their page) win over what the candidate typed.
const SELECT = `select r.id as referee_id, coalesce(r.confirmed->>'name', r.name) as name, r.email,
    coalesce(nullif(r.confirmed->>'company', ''), r.company) as company, coalesce(nullif(r.confirmed->>'title', ''), r.title) as title,
    q.connection_id, c.name as connection_name, q.opportunity_id, q.candidate_name, coalesce(r.concluded_at, r.nominated_at) as answered_at,
    e.exported_at, e.lever_opportunity_id, e.outcome, e.last_error
  from referees r
  join reference_requests q on q.id = r.request_id
  join lever_connections c on c.id = q.connection_id
  left join prospect_exports e on e.referee_id = r.id`;

const toRow = (r: Row): ProspectRow => ({
  refereeId: r.referee_id, name: r.name, email: r.email, company: r.company, title: r.title, connectionId: r.connection_id,
  connectionName: r.connection_name, opportunityId: r.opportunity_id, candidateName: r.candidate_name, answeredAt: r.answered_at,
  exportedAt: r.exported_at, leverOpportunityId: r.lever_opportunity_id, outcome: r.outcome, lastError: r.last_error,
});

/** Newest answer first, keyset-paginated on (answered_at, referee id). */
export async function listProspects(db: Db, organisationId: string, f: { after?: { at: Date; id: string }; limit?: number } = {}): Promise<ProspectRow[]> {
  const values: unknown[] = [organisationId];
  let where = 'c.organisation_id = $1 and r.opt_in_jobs';
  if (f.after) {
    values.push(f.after.at, f.after.id);
    where += ' and (coalesce(r.concluded_at, r.nominated_at), r.id) < ($2, $3)';
  }
  values.push(Math.min(f.limit ?? 25, 100));
  const rows = await db.query<Row>(`${SELECT} where ${where} order by answered_at desc, r.id desc limit $${values.length}`, values);
  return rows.map(toRow);
}

/** One prospect by referee id, whatever its organisation (for the export's activities); undefined once withdrawn. */
export async function findProspect(db: Db, refereeId: string): Promise<ProspectRow | undefined> {
  const [row] = await db.query<Row>(`${SELECT} where r.id = $1 and r.opt_in_jobs`, [refereeId]);
  return row ? toRow(row) : undefined;
}

/** Organisation's connections with their prospect settings. */
export async function listProspectSettings(db: Db, organisationId: string): Promise<ProspectSettings[]> {
  const rows = await db.query<SettingsRow>(`${SETTINGS} where organisation_id = $1 order by created_at`, [organisationId]);
  return rows.map(toSettings);
}

export async function findProspectSettings(db: Db, connectionId: string): Promise<ProspectSettings | undefined> {
  const [row] = await db.query<SettingsRow>(`${SETTINGS} where id = $1`, [connectionId]);
  return row ? toSettings(row) : undefined;
}

type SettingsRow = { id: string; name: string; prospect_auto_export: boolean; prospect_perform_as: string | null; prospect_tag: string };
const SETTINGS = 'select id, name, prospect_auto_export, prospect_perform_as, prospect_tag from lever_connections';
const toSettings = (r: SettingsRow): ProspectSettings => ({ connectionId: r.id, connectionName: r.name, autoExport: r.prospect_auto_export, performAs: r.prospect_perform_as, tag: r.prospect_tag });

export async function updateProspectSettings(db: Db, organisationId: string, connectionId: string, s: { autoExport: boolean; performAs: string | null; tag: string }): Promise<boolean> {
  const rows = await db.query(
    `update lever_connections set prospect_auto_export = $3, prospect_perform_as = $4, prospect_tag = $5, updated_at = now()
      where organisation_id = $1 and id = $2 returning id`,
    [organisationId, connectionId, s.autoExport, s.performAs, s.tag],
  );
  return rows.length === 1;
}

/** Prospects of the connection not yet in Lever (failed ones included: an export tries them again). */
export async function countUnexported(db: Db, connectionId: string): Promise<number> {
  const [row] = await db.query<{ n: string }>(
    `select count(*) as n from referees r join reference_requests q on q.id = r.request_id
       left join prospect_exports e on e.referee_id = r.id
      where q.connection_id = $1 and r.opt_in_jobs and e.exported_at is null`,
    [connectionId],
  );
  return Number(row.n);
}

export type ExportRun = { connectionId: string; workflowId: string; exportId: string; total: number; startedAt: Date; finishedAt: Date | null };

/**
 * Records the start of an export (idempotent per export id: a retried activity changes nothing),
 * with its total: the prospects of the connection not yet in Lever at this moment.
 */
export async function beginExportRun(db: Db, r: { connectionId: string; workflowId: string; exportId: string; startedBy: string }): Promise<ExportRun> {
  await db.query(
    `insert into prospect_export_runs as x (connection_id, workflow_id, export_id, total, started_by)
     select $1, $2, $3, count(*), $4 from referees r join reference_requests q on q.id = r.request_id
       left join prospect_exports e on e.referee_id = r.id
      where q.connection_id = $1 and r.opt_in_jobs and e.exported_at is null
     on conflict (connection_id) do update set workflow_id = excluded.workflow_id, export_id = excluded.export_id, total = excluded.total,
       started_by = excluded.started_by, started_at = now(), finished_at = null
      where x.export_id <> excluded.export_id`,
    [r.connectionId, r.workflowId, r.exportId, r.startedBy],
  );
  const [run] = await exportRuns(db, [r.connectionId]);
  return run;
}

export async function finishExportRun(db: Db, connectionId: string, exportId: string): Promise<void> {
  await db.query('update prospect_export_runs set finished_at = coalesce(finished_at, now()) where connection_id = $1 and export_id = $2', [connectionId, exportId]);
}

async function exportRuns(db: Db, connectionIds: string[]): Promise<ExportRun[]> {
  const rows = await db.query<{ connection_id: string; workflow_id: string; export_id: string; total: number; started_at: Date; finished_at: Date | null }>(
    'select connection_id, workflow_id, export_id, total, started_at, finished_at from prospect_export_runs where connection_id = any($1::text[])',
    [connectionIds],
  );
  return rows.map((r) => ({ connectionId: r.connection_id, workflowId: r.workflow_id, exportId: r.export_id, total: r.total, startedAt: r.started_at, finishedAt: r.finished_at }));
}

export type ExportProgress = ExportRun & { exported: number; failed: number };

/** The last export of each connection, with how many of its prospects are in Lever and how many failed. */
export async function exportProgress(db: Db, connectionIds: string[]): Promise<ExportProgress[]> {
  const runs = await exportRuns(db, connectionIds);
  const out: ExportProgress[] = [];
  for (const run of runs) {
    const [row] = await db.query<{ exported: string; failed: string }>(
      `select count(*) filter (where exported_by = $2) as exported,
              count(*) filter (where exported_at is null and failed_at >= $3) as failed
         from prospect_exports where connection_id = $1`,
      [run.connectionId, run.exportId, run.startedAt],
    );
    out.push({ ...run, exported: Number(row.exported), failed: Number(row.failed) });
  }
  return out;
}

/** The next page of the connection's prospects not yet in Lever, by referee id, that answered before `cutoff`. */
export async function listUnexportedIds(db: Db, connectionId: string, f: { after: string | null; cutoff: Date; limit: number }): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `select r.id from referees r join reference_requests q on q.id = r.request_id
       left join prospect_exports e on e.referee_id = r.id
      where q.connection_id = $1 and r.opt_in_jobs and e.exported_at is null and r.id > $2
        and coalesce(r.concluded_at, r.nominated_at) <= $3
      order by r.id limit $4`,
    [connectionId, f.after ?? '', f.cutoff, f.limit],
  );
  return rows.map((r) => r.id);
}

export type Claim = { kind: 'claimed' } | { kind: 'exported'; leverOpportunityId: string; outcome: ExportOutcome } | { kind: 'busy' };

/**
 * Takes the prospect for one exporter (`by`: its workflow id) for `leaseSeconds`, unless it is in
 * Lever already or another exporter holds it. The same exporter may take it again (its retry).
 */
export async function claimProspect(db: Db, refereeId: string, connectionId: string, by: string, leaseSeconds: number): Promise<Claim> {
  const [row] = await db.query<{ lever_opportunity_id: string | null; outcome: ExportOutcome | null; claimed_by: string | null; claimed: boolean }>(
    `insert into prospect_exports as e (referee_id, connection_id, claimed_by, claimed_until)
     values ($1, $2, $3, now() + make_interval(secs => $4))
     on conflict (referee_id) do update set claimed_by = excluded.claimed_by, claimed_until = excluded.claimed_until
      where e.exported_at is null and (e.claimed_by is null or e.claimed_by = excluded.claimed_by or e.claimed_until < now())
     returning lever_opportunity_id, outcome, claimed_by, true as claimed`,
    [refereeId, connectionId, by, leaseSeconds],
  );
  if (row) return { kind: 'claimed' };
  const [now] = await db.query<{ lever_opportunity_id: string | null; outcome: ExportOutcome | null }>(
    'select lever_opportunity_id, outcome from prospect_exports where referee_id = $1', [refereeId],
  );
  return now?.lever_opportunity_id && now.outcome ? { kind: 'exported', leverOpportunityId: now.lever_opportunity_id, outcome: now.outcome } : { kind: 'busy' };
}

export async function recordExported(db: Db, refereeId: string, e: { leverOpportunityId: string; outcome: ExportOutcome; by: string }): Promise<void> {
  await db.query(
    `update prospect_exports set lever_opportunity_id = $2, outcome = $3, exported_by = $4, exported_at = now(),
        claimed_by = null, claimed_until = null, last_error = null, failed_at = null
      where referee_id = $1 and exported_at is null`,
    [refereeId, e.leverOpportunityId, e.outcome, e.by],
  );
}

/** Lever refused the prospect (or kept failing): shown in the console, tried again by the next export. */
export async function recordExportFailure(db: Db, refereeId: string, connectionId: string, error: string): Promise<void> {
  await db.query(
    `insert into prospect_exports as e (referee_id, connection_id, last_error, failed_at) values ($1, $2, $3, now())
     on conflict (referee_id) do update set last_error = excluded.last_error, failed_at = now(), claimed_by = null, claimed_until = null
      where e.exported_at is null`,
    [refereeId, connectionId, error.slice(0, 500)],
  );
}

/** The referee withdrew their consent: no longer a prospect, and refcheck forgets what it exported. */
export async function withdrawProspect(db: Db, refereeId: string): Promise<boolean> {
  return db.withTransaction(async (tx) => {
    const { rowCount } = await tx.query('update referees set opt_in_jobs = false where id = $1 and opt_in_jobs', [refereeId]);
    await tx.query('delete from prospect_exports where referee_id = $1', [refereeId]);
    return rowCount === 1;
  });
}
