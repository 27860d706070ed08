import type { Db } from './pool';

/**
 * Retention: each connection keeps a concluded check's personal data for `retention_days`, then
 * the sweep (workflows/retention.ts) deletes it here, a batch per transaction. Rows are locked
 * with SKIP LOCKED and every statement is a no-op the second time, so two sweeps at once (a
 * scheduled one and a manual one) share the work instead of doing it twice or blocking.
 * Kept: ids, statuses, dates, counts, outcomes, posting titles (not about a person); referees
 * who opted in to hear about jobs keep their contact details for as long as their consent holds.
 */
export const DEFAULT_RETENTION_DAYS = 180;
export const MIN_RETENTION_DAYS = 30;
export const MAX_RETENTION_DAYS = 1825;

export type Purge = { at: Date; retentionDays: number };

/**
 * When a request's check concluded: the later of the request's conclusion and its run's end
 * while the check row still follows that run (a run waiting for the hire answer is not over);
 * for a request a restart left behind, its conclusion or else its deadline.
 */
const CONCLUDED = `case when k.workflow_id is not null then case when k.finished_at is not null then greatest(k.finished_at, r.concluded_at) end
    else coalesce(r.concluded_at, r.deadline_at) end`;

/** Deletes the personal data of up to `limit` requests past their connection's retention; returns how many. */
export async function purgeExpiredRequests(db: Db, limit: number): Promise<number> {
  return db.withTransaction(async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      `select r.id from reference_requests r
         join lever_connections c on c.id = r.connection_id
         left join checks k on k.request_id = r.id
        where r.purged_at is null and ${CONCLUDED} < now() - make_interval(days => c.retention_days)
        order by r.id limit $1
        for update of r skip locked`,
      [limit],
    );
    const ids = rows.map((r) => r.id);
    if (ids.length === 0) return 0;
    await tx.query(
      `update reference_requests r set candidate_name = '', candidate_email = '', candidate_phone = null, candidate_ip = null,
          candidate_user_agent = null, purged_at = now(), purged_after_days = c.retention_days
         from lever_connections c where c.id = r.connection_id and r.id = any($1::text[])`,
      [ids],
    );
    // A prospect's contact details are theirs to keep under their consent; everything they said goes.
    await tx.query(
      `update referees set
          name = case when opt_in_jobs then name else '' end, email = case when opt_in_jobs then email else '' end,
          phone = case when opt_in_jobs then phone end, company = case when opt_in_jobs then company end,
          title = case when opt_in_jobs then title end, confirmed = case when opt_in_jobs then confirmed end,
          worked_together = null, answers = null, decline_reason = null, submit_ip = null, submit_user_agent = null
        where request_id = any($1::text[])`,
      [ids],
    );
    await tx.query('update checks set candidate_name = null, candidate_phone = null, candidate_email = null, owner_name = null, owner_email = null where request_id = any($1::text[])', [ids]);
    await tx.query(`update hire_questions set owner_email = '' where request_id = any($1::text[])`, [ids]);
    // A text still sealed (never sent, or failed) holds its link and the recipient's name.
    await tx.query('update sent_texts set sealed_message = null where request_id = any($1::text[])', [ids]);
    return ids.length;
  });
}

/** Checks that never got a request (stale trigger, no template, ...) still name the candidate; past retention they stop. */
export async function purgeExpiredChecksWithoutRequest(db: Db, limit: number): Promise<number> {
  const rows = await db.query(
    `update checks set candidate_name = null, candidate_phone = null, candidate_email = null, owner_name = null, owner_email = null where workflow_id in (
       select k.workflow_id from checks k join lever_connections c on c.id = k.connection_id
        where k.request_id is null
          and (k.candidate_name is not null or k.candidate_phone is not null or k.candidate_email is not null or k.owner_email is not null)
          and k.finished_at < now() - make_interval(days => c.retention_days)
        order by k.workflow_id limit $1 for update of k skip locked)
     returning workflow_id`,
    [limit],
  );
  return rows.length;
}

/** A prospect who withdrew after their request was purged: their contact details go too. */
export async function purgeWithdrawnProspects(db: Db, limit: number): Promise<number> {
  const rows = await db.query(
    `update referees set name = '', email = '', phone = null, company = null, title = null, confirmed = null where id in (
       select f.id from referees f join reference_requests r on r.id = f.request_id
        where r.purged_at is not null and not f.opt_in_jobs and (f.email <> '' or f.name <> '')
        order by f.id limit $1 for update of f skip locked)
     returning id`,
    [limit],
  );
  return rows.length;
}

/** Whether (and when, under which retention) a request's personal data was deleted. */
export async function findPurge(db: Db, requestId: string): Promise<Purge | undefined> {
  const [row] = await db.query<{ purged_at: Date; purged_after_days: number }>(
    'select purged_at, purged_after_days from reference_requests where id = $1 and purged_at is not null',
    [requestId],
  );
  return row && { at: row.purged_at, retentionDays: row.purged_after_days };
}
