import { z } from 'zod';
import type { Confirmed, SurveyAnswer } from '../db/referees';
import { RELATIONSHIPS, type Question } from '../templates/schema';
import { invalid, isValid, type FieldErrors, type FormValues, type Invalid } from './form';

/** The survey field of a question: `q_<questionId>` (ids are lowercase letters, digits and dashes). */
export const questionField = (q: Pick<Question, 'id'>) => `q_${q.id}`;
export const OPT_IN_FIELD = 'opt_in_jobs';
export const DECLINE_REASON_MAX = 2000;

/**
 * The most characters a portal form can rightly hold: a template's longest survey (30 text
 * questions of 5,000 characters) plus the person's own fields. Answers are limited in characters
 * (each question's maxLength, a 422 beyond it), never in bytes: a character of Chinese, Japanese or
 * Korean is 3 bytes of UTF-8 and 9 once form-encoded (%E4%BD%A0), so the body limit is 9 bytes a
 * character (a 4-byte character is 2 of JavaScript's characters, 6 bytes each).
 */
export const MAX_FORM_CHARACTERS = 30 * 5000 + 20_000;
export const FORM_BYTE_LIMIT = 9 * MAX_FORM_CHARACTERS;

const optional = (max: number) => z.string().trim().max(max, `Keep it under ${max} characters`);
const Identity = z.object({
  name: optional(200).min(1, 'Enter your name'),
  title: optional(200),
  company: optional(200),
  relationship: z.enum(RELATIONSHIPS, 'Choose how you worked with the candidate'),
});

export type RefereeSubmission = { confirmed: Confirmed; answers: SurveyAnswer[]; optInJobs: boolean };

/**
 * The referee's form: who they are (as they confirm it), one answer per question, and the
 * opt-in, which counts only when the box was ticked (no field means no).
 */
export function parseAnswers(survey: Question[], values: FormValues): { kind: 'valid'; submission: RefereeSubmission } | Invalid {
  const fields: FieldErrors = {};
  const identity = Identity.safeParse({ name: values.name ?? '', title: values.title ?? '', company: values.company ?? '', relationship: values.relationship ?? '' });
  if (!identity.success) for (const issue of identity.error.issues) fields[String(issue.path[0])] ??= issue.message;

  const answers: SurveyAnswer[] = [];
  for (const q of survey) {
    const raw = (values[questionField(q)] ?? '').trim();
    if (!raw) {
      if (q.required) fields[questionField(q)] = q.type === 'text' ? 'Please write an answer to this question' : 'Please choose an answer to this question';
      continue;
    }
    const answer = readAnswer(q, raw);
    if (typeof answer === 'string') fields[questionField(q)] = answer;
    else answers.push(answer);
  }
  if (!identity.success || !isValid(fields)) return invalid(fields);
  const { name, title, company, relationship } = identity.data;
  return {
    kind: 'valid',
    submission: { confirmed: { name, title: title || undefined, company: company || undefined, relationship }, answers, optInJobs: values[OPT_IN_FIELD] === 'yes' },
  };
}

/** One answer, or the message that says what is wrong with it. */
function readAnswer(q: Question, raw: string): SurveyAnswer | string {
  switch (q.type) {
    case 'rating': {
      const rating = Number(raw);
      return /^[1-5]$/.test(raw) ? { questionId: q.id, rating } : 'Choose a rating from 1 to 5';
    }
    case 'choice':
      return q.options.includes(raw) ? { questionId: q.id, choice: raw } : 'Choose one of the options';
    case 'text':
      return raw.length <= q.maxLength ? { questionId: q.id, text: raw } : `Keep your answer under ${q.maxLength} characters (it has ${raw.length})`;
  }
}

export function parseDeclineReason(values: FormValues): { kind: 'valid'; reason: string | null } | Invalid {
  const reason = (values.reason ?? '').trim();
  if (reason.length > DECLINE_REASON_MAX) return invalid({ reason: `Keep it under ${DECLINE_REASON_MAX} characters` });
  return { kind: 'valid', reason: reason || null };
}
