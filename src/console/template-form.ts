import { z } from 'zod';
import { RELATIONSHIPS, TemplateSettings, type Question } from '../templates/schema';
import { READY_MADE_SURVEYS } from '../templates/surveys';

/**
 * The console's template form, both ways: flat fields (the console's body parser builds no
 * nested objects) into a template, and a template into fields. Questions are rows `q<i>_…`,
 * referee slots rows `r<i>_…`; blank rows are how the page offers more without JavaScript, so
 * they are skipped, and `q<i>_order` sorts the questions. Every zod issue lands on the field it
 * is about (survey.2.text → the text of the form's row for question 2), so the page shows it
 * beside that field.
 */
export type FormValues = Record<string, string>;
export type TemplateInput = { name: string; atsTag: string | null; isDefault: boolean; settings: TemplateSettings };
export type FormResult = { ok: true; template: TemplateInput } | { ok: false; errors: Record<string, string> };

export const QUESTION_TYPES = ['rating', 'choice', 'text'] as const;
export const REFEREE_KINDS = ['any', ...RELATIONSHIPS] as const;
const DAY = 86_400;
/** Rows past these are not read: the schema allows 30 questions and 6 slots, the page adds a few blanks. */
const ROW_LIMIT = { q: 40, r: 12 };
const BLANK_ROWS = { q: 3, r: 2 };

const Head = z.object({
  name: z.string().trim().min(1, 'Name the template.').max(200, 'At most 200 characters.'),
  atsTag: z.string().trim().max(200, 'At most 200 characters.').transform((t) => t || null),
  isDefault: z.boolean(),
});

/** The form's own strings; a repeated field (an array) or anything else is dropped as malformed. */
export function formValues(body: unknown): FormValues {
  const out: FormValues = {};
  if (body && typeof body === 'object') for (const [k, v] of Object.entries(body)) if (typeof v === 'string' && k !== '_csrf') out[k] = v;
  return out;
}

/** Reads the form; every problem comes back keyed by the field to show it beside. */
export function parseTemplateForm(values: FormValues): FormResult {
  const f = (k: string) => (values[k] ?? '').trim();
  const errors: Record<string, string> = {};
  const head = Head.safeParse({ name: f('name'), atsTag: f('atsTag'), isDefault: values.isDefault === 'on' });
  if (!head.success) for (const i of head.error.issues) errors[String(i.path[0])] ??= i.message;

  const survey = readSurvey(values, errors);
  const referees = rows(values, 'r').map((i) => ({ i, slot: refereeRow(values, i) })).filter((r) => r.slot !== undefined);
  const settings = TemplateSettings.safeParse({
    description: f('description'),
    position: f('position') || undefined,
    survey: survey.questions,
    referees: referees.map((r) => r.slot),
    hiringManager: f('hm_name') || f('hm_email') ? { name: f('hm_name'), email: f('hm_email') } : null,
    mail: {
      candidateSubject: f('mail_candidateSubject') || undefined, candidateIntro: f('mail_candidateIntro') || undefined,
      refereeSubject: f('mail_refereeSubject') || undefined, refereeIntro: f('mail_refereeIntro') || undefined,
    },
    sms: {
      enabled: values.sms_on === 'on', defaultCountry: f('sms_defaultCountry').toUpperCase() || undefined,
      candidateText: f('sms_candidateText') || undefined, refereeText: f('sms_refereeText') || undefined,
    },
    reminders: {
      intervalSeconds: seconds(f('rem_intervalDays')), maxCount: number(f('rem_maxCount')),
      quietHours: values.quiet_on === 'on' ? { start: f('quiet_start'), end: f('quiet_end'), timeZone: f('quiet_timeZone') } : null,
    },
    deadlines: { candidateSeconds: seconds(f('deadline_candidateDays')), refereeSeconds: seconds(f('deadline_refereeDays')) },
    replaceAfterSeconds: seconds(f('replaceAfterDays')),
    conclusion: f('conclusion_rule') === 'minimum' ? { rule: 'minimum', minimum: number(f('conclusion_minimum')) } : { rule: f('conclusion_rule') || 'all-required' },
  });
  if (!settings.success) {
    for (const issue of settings.error.issues) {
      const field = fieldOf(issue.path, survey.rowOf, referees.map((r) => r.i));
      errors[field] ??= messageFor(issue, field, f(field));
    }
  }
  if (!head.success || !settings.success || Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, template: { ...head.data, settings: settings.data } };
}

/** A ready-made survey when one is chosen, else the question rows sorted by their order numbers. */
function readSurvey(values: FormValues, errors: Record<string, string>): { questions: unknown[]; rowOf: number[] } {
  const startFrom = (values.startFrom ?? '').trim();
  if (startFrom) {
    if (READY_MADE_SURVEYS[startFrom]) return { questions: READY_MADE_SURVEYS[startFrom].questions, rowOf: [] };
    errors.startFrom = 'Choose a ready-made survey, or "the questions below".';
  }
  const filled = rows(values, 'q').map((i) => ({ i, q: questionRow(values, i), order: number((values[`q${i}_order`] ?? '').trim()) })).filter((r) => r.q !== undefined);
  const seen = new Set<string>();
  for (const r of filled) {
    if (Number.isNaN(r.order)) errors[`q${r.i}_order`] = 'A number.';
    const id = (r.q as { id: string }).id;
    if (seen.has(id)) errors[`q${r.i}_id`] = 'Another question has this id: ids must differ.';
    seen.add(id);
  }
  const key = (r: { i: number; order: number | undefined }) => (r.order === undefined || Number.isNaN(r.order) ? Infinity : r.order);
  filled.sort((a, b) => key(a) - key(b) || a.i - b.i);
  return { questions: filled.map((r) => r.q), rowOf: filled.map((r) => r.i) };
}

function questionRow(values: FormValues, i: number): Record<string, unknown> | undefined {
  const f = (k: string) => (values[`q${i}_${k}`] ?? '').trim();
  if (['id', 'text', 'options', 'maxLength', 'labels'].every((k) => !f(k))) return undefined;
  const type = f('type') || 'rating';
  const base = { type, id: f('id') || slug(f('text')) || `q${i + 1}`, text: f('text'), required: values[`q${i}_required`] === 'on' };
  if (type === 'choice') return { ...base, options: f('options').split(/\r?\n/).map((o) => o.trim()).filter(Boolean) };
  if (type === 'text') return { ...base, maxLength: number(f('maxLength')) };
  if (type === 'rating') return { ...base, labels: f('labels') ? f('labels').split(',').map((l) => l.trim()) : undefined };
  return base;
}

function refereeRow(values: FormValues, i: number): Record<string, unknown> | undefined {
  const f = (k: string) => (values[`r${i}_${k}`] ?? '').trim();
  const none = (k: string) => f(k) === '' || f(k) === '0';
  if (none('required') && none('optional') && !f('note')) return undefined;
  return { relationship: f('relationship') || 'any', required: number(f('required')) ?? 0, optional: number(f('optional')) ?? 0, note: f('note') || undefined };
}

/** A template as the form's fields, questions in their order, each numbered 1, 2, 3… */
export function toFormValues(t: TemplateInput): FormValues {
  const s = t.settings;
  const v: FormValues = {
    name: t.name, atsTag: t.atsTag ?? '', isDefault: t.isDefault ? 'on' : '', description: s.description, position: s.position ?? '', startFrom: '',
    hm_name: s.hiringManager?.name ?? '', hm_email: s.hiringManager?.email ?? '',
    mail_candidateSubject: s.mail.candidateSubject ?? '', mail_candidateIntro: s.mail.candidateIntro ?? '',
    mail_refereeSubject: s.mail.refereeSubject ?? '', mail_refereeIntro: s.mail.refereeIntro ?? '',
    sms_on: s.sms.enabled ? 'on' : '', sms_defaultCountry: s.sms.defaultCountry ?? '', sms_candidateText: s.sms.candidateText ?? '', sms_refereeText: s.sms.refereeText ?? '',
    rem_intervalDays: days(s.reminders.intervalSeconds), rem_maxCount: String(s.reminders.maxCount),
    quiet_on: s.reminders.quietHours ? 'on' : '', quiet_start: s.reminders.quietHours?.start ?? '20:00', quiet_end: s.reminders.quietHours?.end ?? '08:00',
    quiet_timeZone: s.reminders.quietHours?.timeZone ?? 'UTC',
    deadline_candidateDays: days(s.deadlines.candidateSeconds), deadline_refereeDays: days(s.deadlines.refereeSeconds), replaceAfterDays: days(s.replaceAfterSeconds),
    conclusion_rule: s.conclusion.rule, conclusion_minimum: s.conclusion.rule === 'minimum' ? String(s.conclusion.minimum) : '',
  };
  s.survey.forEach((q, i) => Object.assign(v, questionValues(q, i)));
  s.referees.forEach((r, i) => Object.assign(v, {
    [`r${i}_relationship`]: r.relationship, [`r${i}_required`]: String(r.required), [`r${i}_optional`]: String(r.optional), [`r${i}_note`]: r.note ?? '',
  }));
  return v;
}

/** The question rows of a ready-made survey, replacing the form's rows (the "use these questions" button). */
export function withReadyMadeSurvey(values: FormValues, key: string): FormValues {
  const survey = READY_MADE_SURVEYS[key];
  if (!survey) return values;
  const kept = Object.fromEntries(Object.entries(values).filter(([k]) => !/^q\d+_/.test(k)));
  return { ...kept, startFrom: '', ...Object.assign({}, ...survey.questions.map(questionValues)) };
}

function questionValues(q: Question, i: number): FormValues {
  const defaultLabels = ['Poor', 'Fair', 'Good', 'Very good', 'Outstanding'].join(', ');
  const labels = q.type === 'rating' ? q.labels.join(', ') : '';
  return {
    [`q${i}_order`]: String(i + 1), [`q${i}_type`]: q.type, [`q${i}_id`]: q.id, [`q${i}_text`]: q.text, [`q${i}_required`]: q.required ? 'on' : '',
    [`q${i}_options`]: q.type === 'choice' ? q.options.join('\n') : '', [`q${i}_maxLength`]: q.type === 'text' ? String(q.maxLength) : '',
    [`q${i}_labels`]: labels === defaultLabels ? '' : labels,
  };
}

/** The row numbers the page shows: every row the values have, then a few blank ones. */
export function formRows(values: FormValues): { questions: number[]; referees: number[] } {
  const count = (p: 'q' | 'r') => {
    const present = rows(values, p);
    const filled = present.filter((i) => (p === 'q' ? questionRow(values, i) : refereeRow(values, i)) !== undefined).length;
    return Math.min(ROW_LIMIT[p], Math.max((present.at(-1) ?? -1) + 1, filled + BLANK_ROWS[p]));
  };
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  return { questions: range(count('q')), referees: range(count('r')) };
}

/** Row numbers present in the values, ascending. */
function rows(values: FormValues, prefix: 'q' | 'r'): number[] {
  const found = new Set<number>();
  const pattern = new RegExp(`^${prefix}(\\d{1,2})_`);
  for (const k of Object.keys(values)) {
    const m = pattern.exec(k);
    if (m && Number(m[1]) < ROW_LIMIT[prefix]) found.add(Number(m[1]));
  }
  return [...found].sort((a, b) => a - b);
}

/** The form field a settings path belongs to; `rowOf[j]` is the form row of survey item j. */
export function fieldOf(path: PropertyKey[], rowOf: number[], refereeRowOf: number[]): string {
  const [top, a, b] = path.map(String);
  switch (top) {
    case 'survey':
      if (a === undefined) return 'questions';
      return rowOf[Number(a)] === undefined ? 'startFrom' : `q${rowOf[Number(a)]}_${b ?? 'text'}`;
    case 'referees':
      return a === undefined || refereeRowOf[Number(a)] === undefined ? 'referees' : `r${refereeRowOf[Number(a)]}_${b ?? 'relationship'}`;
    case 'hiringManager': return `hm_${a ?? 'name'}`;
    case 'mail': return a ? `mail_${a}` : '_form';
    case 'sms': return a === 'enabled' || !a ? 'sms_on' : `sms_${a}`;
    case 'reminders': return a === 'quietHours' ? `quiet_${b ?? 'start'}` : a === 'maxCount' ? 'rem_maxCount' : 'rem_intervalDays';
    case 'deadlines': return a === 'refereeSeconds' ? 'deadline_refereeDays' : 'deadline_candidateDays';
    case 'replaceAfterSeconds': return 'replaceAfterDays';
    case 'conclusion': return a === 'minimum' ? 'conclusion_minimum' : 'conclusion_rule';
    case 'description': case 'position': return top;
    default: return '_form';
  }
}

/** A sentence for a person; the schema's terse messages suit the API, not a form. */
function messageFor(issue: z.core.$ZodIssue, field: string, value: string): string {
  const i = issue as z.core.$ZodIssue & { minimum?: number | bigint; maximum?: number | bigint; origin?: string; expected?: string; format?: string };
  const min = Number(i.minimum);
  const max = Number(i.maximum);
  if (field === 'questions') return i.code === 'too_small' ? 'Add at least one question (or choose a ready-made survey).' : i.code === 'too_big' ? `At most ${max} questions.` : 'Question ids must differ.';
  if (field === 'referees') return i.code === 'too_small' ? 'Add at least one referee row.' : i.code === 'too_big' ? `At most ${max} referee rows.` : 'At least one referee must be required: set a required count above 0.';
  if (field.endsWith('_labels')) return 'Five labels from worst to best, comma-separated, or blank for the defaults.';
  if (field.endsWith('_options')) return i.code === 'too_big' && i.origin === 'array' ? `At most ${max} options.` : i.code === 'too_big' ? 'Each option at most 100 characters.' : 'At least two options, one per line.';
  if (field.endsWith('_type')) return 'Choose rating, choice or text.';
  if (field.endsWith('_relationship')) return 'Choose a relationship.';
  if (field === 'conclusion_rule') return 'Choose a rule.';
  if (field.endsWith('Days')) {
    if (i.code === 'too_small') return 'More than 0 days.';
    if (i.code === 'too_big') return `At most ${max / DAY} days.`;
    return 'A number of days, e.g. 2 or 0.5.';
  }
  if (i.code === 'invalid_format' && i.format === 'email') return 'Enter an email address, e.g. name@company.com.';
  if (field === 'hm_name' && !value) return 'Name the hiring manager (or leave both fields blank).';
  if (field.endsWith('_text') && !value) return 'Write the question.';
  if (i.code === 'invalid_type') return i.expected === 'int' ? 'A whole number.' : i.expected === 'number' ? 'A number.' : 'Required.';
  if (i.code === 'too_small') return i.origin === 'string' ? (min <= 1 ? 'Required.' : `At least ${min} characters.`) : `At least ${min}.`;
  if (i.code === 'too_big') return i.origin === 'string' ? `At most ${max} characters.` : `At most ${max}.`;
  // Schema-written messages (id pattern, HH:MM, time zone) read well as a sentence.
  return `${issue.message.charAt(0).toUpperCase()}${issue.message.slice(1)}.`;
}

const number = (s: string): number | undefined => (s === '' ? undefined : Number(s));
/** Days may be decimal; stored as whole seconds, at least 1 when the days are above 0. */
function seconds(s: string): number | undefined {
  const d = number(s);
  if (d === undefined || !Number.isFinite(d)) return d;
  return d > 0 ? Math.max(1, Math.round(d * DAY)) : 0;
}
const days = (s: number) => String(+(s / DAY).toFixed(4));
const slug = (text: string) => text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+/, '').slice(0, 40).replace(/-+$/, '');
