import type { Db } from './pool';

export type LeverWriteRef = { connectionId: string; opportunityId: string; key: string };

/**
 * `first`: nobody claimed this write before, it is now claimed. `unfinished`: an earlier attempt
 * claimed it and may or may not have written (the caller must look in Lever). `written`: done.
 */
export type LeverWriteClaim = 'first' | 'unfinished' | 'written';

export async function claimLeverWrite(db: Db, ref: LeverWriteRef): Promise<LeverWriteClaim> {
  // The statement's snapshot does not see its own insert: a fresh claim reads `written` as null.
  const [row] = await db.query<{ first: boolean; written: boolean | null }>(
    `with claimed as (
       insert into lever_writes (connection_id, write_key, opportunity_id) values ($1, $2, $3)
       on conflict do nothing returning 1
     )
     select exists (select 1 from claimed) as first,
            (select written_at is not null from lever_writes where connection_id = $1 and write_key = $2) as written`,
    [ref.connectionId, ref.key, ref.opportunityId],
  );
  if (row.first) return 'first';
  return row.written ? 'written' : 'unfinished';
}

export async function markLeverWritten(db: Db, ref: LeverWriteRef): Promise<void> {
  await db.query('update lever_writes set written_at = now() where connection_id = $1 and write_key = $2', [ref.connectionId, ref.key]);
}

/** Lever deleted the candidate: the record of what refcheck wrote about them goes too (nothing more will be written). */
export async function forgetLeverWrites(db: Db, connectionId: string, opportunityId: string): Promise<void> {
  await db.query('delete from lever_writes where connection_id = $1 and opportunity_id = $2', [connectionId, opportunityId]);
}

/**
 * The records of writes done longer ago than their connection's retention (at least 30 days): no
 * attempt of the step that made one retries that late, and a later run writes under markers of its
 * own (a new request, a new stage change). A claim never marked written is kept: an attempt may
 * still come back to it, and only the record tells it to look in Lever before writing.
 */
export async function purgeOldLeverWrites(db: Db): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `with gone as (
       delete from lever_writes w using lever_connections c
        where c.id = w.connection_id and w.written_at < now() - make_interval(days => c.retention_days)
        returning 1
     ) select count(*)::int as n from gone`,
  );
  return row.n;
}
