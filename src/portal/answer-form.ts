import { z } from 'zod';
import type { Confirmed, SurveyAnswer } from '../db/referees';
import { RELATIONSHIPS, type Question } from '../templates/schema';
import { invalid, isValid, type FieldErrors, type FormValues, type Invalid } from './form';

/** The survey field of a question: `q_<questionId>` (ids are lowercase letters, digits and dashes). */
export const questionField = (q: Pick<Question, 'id'>) => `q_${q.id}`;
export const OPT_IN_FIELD = 'opt_in_jobs';
export const DECLINE_REASON_MAX = 2000;

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
