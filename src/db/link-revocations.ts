import type { LinkPurpose } from '../links';
import type { Db } from './pool';

export type RevocationReason = 'renewed' | 'cancelled';

/** Stops every link of `purpose` for these subjects signed before `at` (a later revocation only moves the moment on). */
export async function revokeLinks(db: Db, purpose: LinkPurpose, subjects: string[], reason: RevocationReason, at = new Date()): Promise<void> {
  if (!subjects.length) return;
  await db.query(
    `insert into link_revocations (purpose, subject, revoked_before, reason) select $1, unnest($2::text[]), $3, $4
     on conflict (purpose, subject) do update set revoked_before = greatest(link_revocations.revoked_before, excluded.revoked_before), reason = excluded.reason`,
    [purpose, subjects, at, reason],
  );
}

/** The moment before which this subject's links of this purpose stopped working, if they did. */
export async function linksRevokedBefore(db: Db, purpose: LinkPurpose, subject: string): Promise<Date | undefined> {
  const rows = await db.query<{ revoked_before: Date }>('select revoked_before from link_revocations where purpose = $1 and subject = $2', [purpose, subject]);
  return rows[0]?.revoked_before;
}
