import type { Db } from './pool';

export type Template = { id: string; name: string; atsTag: string | null; isDefault: boolean; requiredReferences: number; deadlineSeconds: number };
type Row = { id: string; name: string; ats_tag: string | null; is_default: boolean; required_references: number; deadline_seconds: number };
const toTemplate = (r: Row): Template => ({
  id: r.id, name: r.name, atsTag: r.ats_tag, isDefault: r.is_default, requiredReferences: r.required_references, deadlineSeconds: r.deadline_seconds,
});

export async function insertTemplate(db: Db, connectionId: string, t: Template): Promise<void> {
  await db.query(
    `insert into templates (id, connection_id, name, ats_tag, is_default, required_references, deadline_seconds)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [t.id, connectionId, t.name, t.atsTag, t.isDefault, t.requiredReferences, t.deadlineSeconds],
  );
}

/**
 * The template whose ATS tag matches one of the posting's tags (case-insensitive, surrounding
 * space ignored), else the connection's default, else undefined.
 */
export async function pickTemplate(db: Db, connectionId: string, postingTags: string[]): Promise<Template | undefined> {
  const [row] = await db.query<Row>(
    `select id, name, ats_tag, is_default, required_references, deadline_seconds from templates
      where connection_id = $1
        and (lower(btrim(ats_tag)) = any (select lower(btrim(t)) from unnest($2::text[]) t) or is_default)
      order by is_default asc, created_at asc
      limit 1`,
    [connectionId, postingTags],
  );
  return row ? toTemplate(row) : undefined;
}
