import type { Db } from '../db/pool';
import { listTemplates, type Template } from '../db/templates';

/**
 * What a template's ATS tag means to an admin, and which template stands in the way when a
 * write breaks one of the two unique indexes (templates_one_default, templates_tag). The
 * indexes decide (two admins at once cannot both win); this only says which one and why.
 * Shared by the JSON API and the console, which word the answer each for their reader.
 */
export type TemplateConflict = { index: 'templates_one_default' | 'templates_tag'; holder?: Template };

/** Tags match ignoring case and surrounding spaces, as the index and pickTemplate compare them. */
export const sameTag = (a: string | null | undefined, b: string | null | undefined) =>
  Boolean(a?.trim()) && a?.trim().toLowerCase() === b?.trim().toLowerCase();

/** The unique index `err` broke and the template holding the default or the tag; undefined for any other error. */
export async function templateConflict(db: Db, connectionId: string, err: unknown, atsTag: string | null): Promise<TemplateConflict | undefined> {
  const e = err as { code?: string; constraint?: string };
  if (e?.code !== '23505') return undefined;
  const others = await listTemplates(db, connectionId);
  if (e.constraint === 'templates_one_default') return { index: e.constraint, holder: others.find((t) => t.isDefault) };
  if (e.constraint === 'templates_tag') return { index: e.constraint, holder: others.find((t) => sameTag(t.atsTag, atsTag)) };
  return undefined;
}

export function atsTagHint(t: Pick<Template, 'atsTag' | 'isDefault'>): string {
  const tag = t.atsTag ? `Add the tag "${t.atsTag}" to a posting in Lever to use this template (matched ignoring case and surrounding spaces).` : undefined;
  if (t.isDefault) return tag ? `${tag} It is also the default: used for postings whose tags match no other template.` : 'Used for postings whose tags match no other template.';
  return tag ?? 'No posting uses this template yet: give it an ATS tag, or make it the default.';
}
