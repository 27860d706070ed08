import { z } from 'zod';
import type { NewReferee } from '../db/referees';
import { RELATIONSHIPS } from '../templates/schema';
import type { FieldErrors, FormValues } from './form';

/**
 * One person the candidate names, as typed into one fieldset. Field names are the prefix plus
 * the key (`r0_email`, or `new_email` for a replacement), so messages land beside their field.
 */
export const NOMINEE_FIELDS = ['name', 'email', 'phone', 'relationship', 'company', 'title', 'worked'] as const;

const text = (missing: string, max: number) => z.string().trim().min(1, missing).max(max, `Keep it under ${max} characters`);

const Nominee = z.object({
  name: text('Enter their name', 200),
  email: z.string().trim().min(1, 'Enter their email address').max(254, 'This address is too long')
    .pipe(z.email('Enter a valid email address, like name@example.com')),
  phone: z.string().trim().max(40, 'Keep it under 40 characters').regex(/^[0-9+()\-.\s]*$/, 'Use digits, spaces and + ( ) - only'),
  relationship: z.enum(RELATIONSHIPS, 'Choose how you worked together'),
  company: text('Enter the company where you worked together', 200),
  title: text('Enter their job title', 200),
  worked: text('Say when you worked together, e.g. 2019-2022', 100),
});

/** True when the person left every typed field empty (the relationship may be preselected). */
export function isBlank(values: FormValues, prefix: string): boolean {
  return NOMINEE_FIELDS.every((f) => f === 'relationship' || !(values[prefix + f] ?? '').trim());
}

export type ParsedNominee = { ok: true; nominee: Omit<NewReferee, 'optional'> } | { ok: false; fields: FieldErrors };

export function parseNominee(values: FormValues, prefix: string): ParsedNominee {
  const raw = Object.fromEntries(NOMINEE_FIELDS.map((f) => [f, values[prefix + f] ?? '']));
  const parsed = Nominee.safeParse(raw);
  if (!parsed.success) {
    const fields: FieldErrors = {};
    for (const issue of parsed.error.issues) fields[prefix + String(issue.path[0])] ??= issue.message;
    return { ok: false, fields };
  }
  const n = parsed.data;
  return {
    ok: true,
    nominee: { name: n.name, email: n.email, phone: n.phone || undefined, relationship: n.relationship, company: n.company, title: n.title, workedTogether: n.worked },
  };
}

export const sameEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
