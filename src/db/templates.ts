import { requiredCount, TemplateSettings } from '../templates/schema';
import { defaultTemplateSettings } from '../templates/surveys';
import type { Db } from './pool';

export type Template = {
  id: string;
  name: string;
  atsTag: string | null;
  isDefault: boolean;
  requiredReferences: number;
  deadlineSeconds: number;
  settings: TemplateSettings;
};
export type NewTemplate = Omit<Template, 'requiredReferences' | 'deadlineSeconds' | 'settings'> & {
  settings?: TemplateSettings;
  /** for templates made before full settings existed (and terse tests): derive the rest */
  requiredReferences?: number;
  deadlineSeconds?: number;
};

type Row = { id: string; name: string; ats_tag: string | null; is_default: boolean; required_references: number; deadline_seconds: number; settings: unknown };
const COLUMNS = 'id, name, ats_tag, is_default, required_references, deadline_seconds, settings';

/** Rows from before 002_portal have no settings: they read as the default template with their count and deadline. */
function toTemplate(r: Row): Template {
  const settings = r.settings
    ? TemplateSettings.parse(r.settings)
    : defaultTemplateSettings({ referees: [{ relationship: 'any', required: r.required_references, optional: 0 }], deadlines: { candidateSeconds: r.deadline_seconds, refereeSeconds: r.deadline_seconds } });
  return { id: r.id, name: r.name, atsTag: r.ats_tag, isDefault: r.is_default, requiredReferences: r.required_references, deadlineSeconds: r.deadline_seconds, settings };
}

function settingsOf(t: NewTemplate): TemplateSettings {
  if (t.settings) return t.settings;
  const required = t.requiredReferences ?? 2;
  const deadline = t.deadlineSeconds ?? 14 * 86_400;
  return defaultTemplateSettings({ referees: [{ relationship: 'any', required, optional: 0 }], deadlines: { candidateSeconds: deadline, refereeSeconds: deadline } });
}

export async function insertTemplate(db: Db, connectionId: string, t: NewTemplate): Promise<Template> {
  const settings = settingsOf(t);
  const [row] = await db.query<Row>(
    `insert into templates (id, connection_id, name, ats_tag, is_default, required_references, deadline_seconds, description, settings)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning ${COLUMNS}`,
    [t.id, connectionId, t.name, t.atsTag?.trim() || null, t.isDefault, requiredCount(settings), t.deadlineSeconds ?? settings.deadlines.candidateSeconds + settings.deadlines.refereeSeconds, settings.description, JSON.stringify(settings)],
  );
  return toTemplate(row);
}

export async function updateTemplate(db: Db, connectionId: string, id: string, t: Omit<NewTemplate, 'id'> & { settings: TemplateSettings }): Promise<Template | undefined> {
  const [row] = await db.query<Row>(
    `update templates set name = $3, ats_tag = $4, is_default = $5, required_references = $6, deadline_seconds = $7, description = $8, settings = $9, updated_at = now()
      where connection_id = $1 and id = $2 returning ${COLUMNS}`,
    [connectionId, id, t.name, t.atsTag?.trim() || null, t.isDefault, requiredCount(t.settings), t.settings.deadlines.candidateSeconds + t.settings.deadlines.refereeSeconds, t.settings.description, JSON.stringify(t.settings)],
  );
  return row ? toTemplate(row) : undefined;
}

export async function deleteTemplate(db: Db, connectionId: string, id: string): Promise<boolean> {
  const rows = await db.query('delete from templates where connection_id = $1 and id = $2 and not exists (select 1 from reference_requests where template_id = $2) returning id', [connectionId, id]);
  return rows.length === 1;
}

export async function listTemplates(db: Db, connectionId: string): Promise<Template[]> {
  return (await db.query<Row>(`select ${COLUMNS} from templates where connection_id = $1 order by is_default desc, name`, [connectionId])).map(toTemplate);
}

export async function findTemplate(db: Db, connectionId: string, id: string): Promise<Template | undefined> {
  const [row] = await db.query<Row>(`select ${COLUMNS} from templates where connection_id = $1 and id = $2`, [connectionId, id]);
  return row ? toTemplate(row) : undefined;
}

/**
 * The template whose ATS tag matches one of the posting's tags (case-insensitive, surrounding
 * space ignored), else the connection's default, else undefined.
 */
export async function pickTemplate(db: Db, connectionId: string, postingTags: string[]): Promise<Template | undefined> {
  const [row] = await db.query<Row>(
    `select ${COLUMNS} from templates
      where connection_id = $1
        and (lower(btrim(ats_tag)) = any (select lower(btrim(t)) from unnest($2::text[]) t) or is_default)
      order by is_default asc, created_at asc
      limit 1`,
    [connectionId, postingTags],
  );
  return row ? toTemplate(row) : undefined;
}
