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
