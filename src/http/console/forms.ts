import { z } from 'zod';

/** Form helpers shared by the console's pages: trimmed, bounded strings and errors keyed by field. */
export const text = (max: number) => z.preprocess((v) => (typeof v === 'string' ? v.trim() : v ?? ''), z.string().max(max, `At most ${max} characters.`));

/** The first message per field path (joined with '.'); one the form has no field for goes under '_form'. */
export function fieldErrors(error: z.ZodError, prefix: PropertyKey[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = [...prefix, ...issue.path].map(String).join('.') || '_form';
    out[key] ??= issue.message;
  }
  return out;
}

/** A form value as a trimmed string, capped (values only echo back into the form), or '' when absent. */
export const formString = (v: unknown, max = 500) => (typeof v === 'string' ? v.trim().slice(0, max) : '');

/** Several form values, to echo back into a form that failed validation. */
export const formStrings = (body: unknown, keys: string[], max = 500): Record<string, string> =>
  Object.fromEntries(keys.map((k) => [k, formString((body as Record<string, unknown> | undefined)?.[k], max)]));

/** Keyset pagination cursors for the console's lists: the last row's time and id, opaque to people. */
export const encodeCursor = (at: Date, id: string) => Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
export function decodeCursor(raw: string | undefined): { at: Date; id: string } | undefined {
  if (!raw || raw.length > 300) return undefined;
  const [iso, id] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  const at = new Date(iso);
  return id && !Number.isNaN(at.getTime()) ? { at, id } : undefined;
}
