import { claimHireAnswer, findHireQuestion, markHireAnswerDelivered, type HireQuestion } from './db/hire-questions';
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
 * The owner's yes/no, by link or by mail reply. The first answer stored is final, whichever way it
 * came, and only then signalled. A signal that fails (or times out, and so may have arrived after
 * all) leaves the answer stored but undelivered; the owner's next try delivers that same stored
 * answer again, never a different one, so Postgres and the workflow cannot disagree.
 */
export async function answerHireQuestion(db: Db, checks: ReferenceChecks, code: string, answer: 'yes' | 'no', via: HireSource): Promise<HireAnswerResult> {
  const question = await findHireQuestion(db, code);
  if (!question) return { kind: 'unknown' };
  if (question.answeredAt) return settleStoredAnswer(db, checks, question, answer);
  if (question.expiresAt.getTime() < Date.now()) return { kind: 'expired' };
  if (!(await claimHireAnswer(db, code, answer, via))) {
    const now = await findHireQuestion(db, code);
    return now ? settleStoredAnswer(db, checks, now, answer) : { kind: 'unknown' };
  }
  const delivered = await deliver(db, checks, { ...question, answer, answeredVia: via });
  return delivered === 'signalled' ? { kind: 'recorded', answer } : { kind: 'closed' };
}

/** An answer is stored already: deliver it if an earlier try could not, then say what it was. */
async function settleStoredAnswer(db: Db, checks: ReferenceChecks, question: HireQuestion, tried: 'yes' | 'no'): Promise<HireAnswerResult> {
  const already = { kind: 'already-answered', answer: question.answer, answeredAt: question.answeredAt } as const;
  if (question.deliveredAt || !question.answer) return already;
  const delivered = await deliver(db, checks, question);
  if (delivered === 'closed') return { kind: 'closed' };
  // The owner repeated the answer that had not got through: for them, this try recorded it.
  return question.answer === tried ? { kind: 'recorded', answer: tried } : already;
}

async function deliver(db: Db, checks: ReferenceChecks, question: HireQuestion): Promise<'signalled' | 'closed'> {
  const source = (question.answeredVia ?? 'owner-link') as HireSource;
  const outcome = await checks.answerHire(question.workflowId, { hired: question.answer === 'yes', source });
  await markHireAnswerDelivered(db, question.code);
  return outcome === 'signalled' ? 'signalled' : 'closed';
}
