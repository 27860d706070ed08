import type { NewReferee, Referee } from '../db/referees';
import type { TemplateSettings } from '../templates/schema';
import { invalid, isValid, type FieldErrors, type FormValues, type Invalid } from './form';
import { isBlank, parseNominee, sameEmail } from './nominee';
import { quotaProblems, refereeSlots } from './quota';

/** Field prefix of the nomination form's fieldset `i` (flat names: the body parser is not extended). */
export const slotPrefix = (i: number) => `r${i}_`;
/** Field prefix of the one fieldset in a replacement form. */
export const REPLACEMENT_PREFIX = 'new_';

type Named = { prefix: string; nominee: Omit<NewReferee, 'optional'> };

/**
 * The candidate's nomination form, checked as a whole: consent, every required fieldset filled
 * (optional ones may stay empty), each person once, not the candidate, and the template's quota.
 */
export function parseNomination(t: TemplateSettings, candidateEmail: string, values: FormValues): { kind: 'valid'; nominees: NewReferee[] } | Invalid {
  const fields: FieldErrors = {};
  if (values.consent !== 'yes') fields.consent = 'Tick the box to agree, so the people you name may be contacted';
  const named: (Named & { optional: boolean })[] = [];
  refereeSlots(t).forEach((slot, i) => {
    const prefix = slotPrefix(i);
    if (slot.optional && isBlank(values, prefix)) return;
    const parsed = parseNominee(values, prefix);
    if (parsed.ok) named.push({ prefix, nominee: parsed.nominee, optional: slot.optional });
    else Object.assign(fields, parsed.fields);
  });
  Object.assign(fields, personProblems(named, candidateEmail, []));
  const problems = Object.keys(fields).length ? [] : quotaProblems(t, named.map((n) => n.nominee.relationship));
  if (!isValid(fields, problems)) return invalid(fields, problems);
  return { kind: 'valid', nominees: named.map((n) => ({ ...n.nominee, optional: n.optional })) };
}

/** A replacement: one new person, checked against everyone still named on the request. */
export function parseReplacement(t: TemplateSettings, candidateEmail: string, values: FormValues, old: Referee, all: Referee[]): { kind: 'valid'; nominee: NewReferee } | Invalid {
  const parsed = parseNominee(values, REPLACEMENT_PREFIX);
  if (!parsed.ok) return invalid(parsed.fields);
  const others = all.filter((r) => r.status !== 'replaced' && r.id !== old.id);
  const named = [{ prefix: REPLACEMENT_PREFIX, nominee: parsed.nominee }];
  const fields = personProblems(named, candidateEmail, [...others, old]);
  if (sameEmail(parsed.nominee.email, old.email)) fields[`${REPLACEMENT_PREFIX}email`] = 'This is the person you are replacing: name someone new';
  const problems = Object.keys(fields).length ? [] : quotaProblems(t, [...others.map((r) => r.relationship), parsed.nominee.relationship]);
  if (!isValid(fields, problems)) return invalid(fields, problems);
  return { kind: 'valid', nominee: { ...parsed.nominee, optional: old.optional } };
}

/** Each person once per request (case-insensitive email), and never the candidate themselves. */
function personProblems(named: Named[], candidateEmail: string, existing: Pick<Referee, 'email'>[]): FieldErrors {
  const fields: FieldErrors = {};
  const seen = existing.map((r) => r.email);
  for (const { prefix, nominee } of named) {
    if (sameEmail(nominee.email, candidateEmail)) fields[`${prefix}email`] = 'This is your own address: name someone who can speak about your work';
    else if (seen.some((e) => sameEmail(e, nominee.email))) fields[`${prefix}email`] = 'You have already named this person';
    seen.push(nominee.email);
  }
  return fields;
}
