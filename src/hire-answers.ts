import { claimHireAnswer, findHireQuestion, releaseHireAnswer } from './db/hire-questions';
import type { Db } from './db/pool';
import type { ReferenceChecks } from './reference-checks';
import type { HireSource } from '../workflows/definitions';

export type HireAnswerResult =
  | { kind: 'recorded'; answer: 'yes' | 'no' }
  | { kind: 'already-answered'; answer: 'yes' | 'no' | null; answeredAt: Date | null }
  | { kind: 'expired' }
  | { kind: 'unknown' }
  | { kind: 'closed' };

/**
 * The owner's yes/no, by link or by mail reply. The question is claimed first (one answer wins,
 * whichever way it comes), then signalled; if Temporal cannot take the signal the claim is
 * given back, so the owner can simply try again.
 */
export async function answerHireQuestion(db: Db, checks: ReferenceChecks, code: string, answer: 'yes' | 'no', via: HireSource): Promise<HireAnswerResult> {
  const question = await findHireQuestion(db, code);
  if (!question) return { kind: 'unknown' };
  if (question.answeredAt) return { kind: 'already-answered', answer: question.answer, answeredAt: question.answeredAt };
  if (question.expiresAt.getTime() < Date.now()) return { kind: 'expired' };
  if (!(await claimHireAnswer(db, code, answer, via))) {
    const now = await findHireQuestion(db, code);
    return { kind: 'already-answered', answer: now?.answer ?? null, answeredAt: now?.answeredAt ?? null };
  }
  try {
    const outcome = await checks.answerHire(question.workflowId, { hired: answer === 'yes', source: via });
    return outcome === 'signalled' ? { kind: 'recorded', answer } : { kind: 'closed' };
  } catch (err) {
    await releaseHireAnswer(db, code);
    throw err;
  }
}

/** Reads yes or no from the first meaningful line of a reply, above any quoted text. */
export function readYesNo(text: string): 'yes' | 'no' | undefined {
  const first = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l.length > 0 && !l.startsWith('>'));
  if (!first) return undefined;
  if (/^(yes|y|yep|yeah|hired)\b/i.test(first)) return 'yes';
  if (/^(no|n|nope|not hired)\b/i.test(first)) return 'no';
  return undefined;
}
