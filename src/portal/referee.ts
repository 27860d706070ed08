import { recordEvent } from '../db/events';
import { recordAnswer, recordDecline, type Referee } from '../db/referees';
import type { ReferenceRequest } from '../db/requests';
import { parseAnswers, parseDeclineReason } from './answer-form';
import { inTransaction, type From, type PortalDeps } from './deps';
import type { FormValues, Invalid } from './form';

/**
 * The referee's two actions: answer the survey, or decline. The answer is stored first (with its
 * timeline event, in one transaction), then the referee's workflow is told. Storing is what counts:
 *  - 'no-run': the workflow has already finished (the request concluded, or the referee's deadline
 *    passed a moment ago); the answer stays on record for the report;
 *  - Temporal unreachable: the answer is stored, so the referee is thanked all the same; their
 *    workflow reads the referees from the database when it concludes, so nothing is lost, only a
 *    reminder might still go out. Asking the referee to retry would only store nothing new.
 */
export type RespondResult = { kind: 'answered' | 'declined' | 'already-responded' | 'closed' } | Invalid;

export async function answer(deps: PortalDeps, referee: Referee, request: ReferenceRequest, input: FormValues, from: From): Promise<RespondResult> {
  if (request.status !== 'open' || !request.templateSnapshot) return { kind: 'closed' };
  const form = parseAnswers(request.templateSnapshot.survey, input);
  if (form.kind === 'invalid') return form;
  const stored = await deps.db.withTransaction(async (tx) => {
    const db = inTransaction(deps.db, tx);
    if (!(await recordAnswer(db, referee.id, { ...form.submission, ...from }))) return false;
    await recordEvent(db, request.id, 'referee-answered', referee.id);
    return true;
  });
  if (!stored) return { kind: 'already-responded' };
  await tellWorkflow(deps, referee, 'answered');
  return { kind: 'answered' };
}

export async function decline(deps: PortalDeps, referee: Referee, request: ReferenceRequest, input: FormValues, from: From): Promise<RespondResult> {
  if (request.status !== 'open') return { kind: 'closed' };
  const form = parseDeclineReason(input);
  if (form.kind === 'invalid') return form;
  const stored = await deps.db.withTransaction(async (tx) => {
    const db = inTransaction(deps.db, tx);
    if (!(await recordDecline(db, referee.id, { reason: form.reason, ...from }))) return false;
    await recordEvent(db, request.id, 'referee-declined', referee.id);
    return true;
  });
  if (!stored) return { kind: 'already-responded' };
  await tellWorkflow(deps, referee, 'declined');
  return { kind: 'declined' };
}

async function tellWorkflow(deps: PortalDeps, referee: Referee, outcome: 'answered' | 'declined') {
  try {
    const signal = await deps.checks.refereeResponded(referee.id, { outcome });
    deps.logger.info({ requestId: referee.requestId, refereeId: referee.id, outcome, signal }, 'referee responded');
  } catch (err) {
    deps.logger.warn({ requestId: referee.requestId, refereeId: referee.id, outcome, err: { message: (err as Error)?.message } }, 'referee response stored; temporal unreachable, the workflow will read it from the database');
  }
}
