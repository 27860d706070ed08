/**
 * Plain HTML forms arrive as flat urlencoded fields (`r0_name`, `q_overall`); the use cases take
 * them as a string map and answer with messages keyed by the same field names, so a page can
 * re-render what the person typed with each message beside its field.
 */
export type FormValues = Record<string, string>;
export type FieldErrors = Record<string, string>;
/** Refused input: messages per field, and problems about the form as a whole (a quota not met). */
export type Invalid = { kind: 'invalid'; fields: FieldErrors; problems: string[] };

/** Keeps the first string of each field (a repeated field arrives as an array); drops anything else. */
export function formValues(body: unknown): FormValues {
  const values: FormValues = {};
  if (!body || typeof body !== 'object') return values;
  for (const [key, value] of Object.entries(body)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') values[key] = first;
  }
  return values;
}

export const invalid = (fields: FieldErrors, problems: string[] = []): Invalid => ({ kind: 'invalid', fields, problems });
export const isValid = (fields: FieldErrors, problems: string[] = []) => Object.keys(fields).length === 0 && problems.length === 0;
