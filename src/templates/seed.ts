import { randomBytes } from 'node:crypto';
import type { Db } from '../db/pool';
import { insertTemplate, listTemplates, type Template } from '../db/templates';
import type { TemplateSettings } from './schema';
import { defaultTemplateSettings } from './surveys';

export const DEFAULT_TEMPLATE_NAME = 'Standard reference check';

/**
 * Gives a connection its default template ("Standard reference check", the general survey) when
 * it has none, so a posting with no matching tag still gets a reference check. Returns the
 * connection's default, new or existing; running it twice changes nothing.
 */
export async function seedDefaultTemplate(
  db: Db,
  connectionId: string,
  t: { name?: string; settings?: TemplateSettings; atsTag?: string | null; deadlineSeconds?: number } = {},
): Promise<Template> {
  const existing = await findDefault(db, connectionId);
  if (existing) return existing;
  try {
    return await insertTemplate(db, connectionId, {
      id: `t_${randomBytes(8).toString('hex')}`, name: t.name ?? DEFAULT_TEMPLATE_NAME, atsTag: t.atsTag ?? null, isDefault: true,
      settings: t.settings ?? defaultTemplateSettings(), deadlineSeconds: t.deadlineSeconds,
    });
  } catch (err) {
    // Two seeds at once: the unique index lets one win; the other returns the winner's template.
    const winner = (err as { code?: string }).code === '23505' ? await findDefault(db, connectionId) : undefined;
    if (winner) return winner;
    throw err;
  }
}

const findDefault = async (db: Db, connectionId: string) => (await listTemplates(db, connectionId)).find((t) => t.isDefault);
