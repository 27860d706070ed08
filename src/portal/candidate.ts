import { recordEvent } from '../db/events';
import { insertReferee, listReferees, markReplaced, type Referee } from '../db/referees';
import { recordNomination, type ReferenceRequest } from '../db/requests';
import type { TemplateSettings } from '../templates/schema';
import { inTransaction, isUniqueViolation, signalOrUnavailable, TemporalUnavailable, type From, type PortalDeps } from './deps';
import type { FormValues, Invalid } from './form';
import { parseNomination, parseReplacement } from './nomination-form';

/**
 * The candidate's two actions: name referees (once), and later replace one who stays silent.
 * Each is one transaction that ends with the signal to the workflow: when Temporal refuses or
 * cannot be reached the throw rolls everything back, so the page and the run never disagree.
 * (A commit that fails after an accepted signal is left: the workflow waits for the nomination or
 * replacement that commits, the candidate's next attempt, and invites its referees; see
 * listNominated and replacementOf in activities/portal.ts.)
 */
type NominateRefusal = 'closed' | 'not-running' | 'already-nominated' | 'unavailable';
type ReplaceRefusal = 'closed' | 'not-running' | 'unknown-referee' | 'not-replaceable' | 'unavailable';
export type NominateResult = { kind: 'nominated'; refereeIds: string[] } | Invalid | { kind: NominateRefusal };
export type ReplaceResult = { kind: 'replaced'; refereeId: string } | Invalid | { kind: ReplaceRefusal } | { kind: 'too-early'; from: Date };

export type OpenRequest = ReferenceRequest & { templateSnapshot: TemplateSettings };
export const isOpen = (r: ReferenceRequest): r is OpenRequest => r.status === 'open' && r.templateSnapshot !== null;

/** Thrown inside a transaction to roll it back with an answer for the candidate. */
class Refused extends Error {
  constructor(readonly kind: 'closed' | 'not-running' | 'not-replaceable') {
    super(kind);
  }
}

export async function nominate(deps: PortalDeps, request: ReferenceRequest, input: FormValues, from: From): Promise<NominateResult> {
  if (!isOpen(request)) return { kind: 'closed' };
  if (request.nominatedAt) return { kind: 'already-nominated' };
  const form = parseNomination(request.templateSnapshot, request.candidateEmail, input);
  if (form.kind === 'invalid') return form;
  try {
    const refereeIds = await deps.db.withTransaction(async (tx) => {
      if (!(await recordNomination(tx, request.id, from))) throw new Refused('closed');
      const ids: string[] = [];
      for (const [slot, nominee] of form.nominees.entries()) ids.push((await insertReferee(tx, request.id, slot, nominee)).id);
      const events = inTransaction(deps.db, tx);
      await recordEvent(events, request.id, 'consented');
      await recordEvent(events, request.id, 'nominated');
      const outcome = await signalOrUnavailable(() => deps.checks.nominated(request.workflowId, { requestId: request.id, refereeIds: ids }));
      // An open request without its run is inconsistent: keep nothing the workflow will never see.
      if (outcome === 'no-run') throw new Refused('not-running');
      return ids;
    });
    deps.logger.info({ requestId: request.id, referees: refereeIds.length }, 'candidate nominated referees');
    return { kind: 'nominated', refereeIds };
  } catch (err) {
    return settle<NominateRefusal>(deps, err, request.id, 'nominate', 'already-nominated');
  }
}

/** When the candidate may replace this referee: silent (nominated or invited) for replaceAfterSeconds. */
export function replaceableFrom(referee: Referee, t: TemplateSettings): Date | null {
  if (referee.status !== 'nominated' && referee.status !== 'invited') return null;
  return new Date((referee.invitedAt ?? referee.nominatedAt).getTime() + t.replaceAfterSeconds * 1000);
}

/**
 * Replaces a silent referee with someone new in the same slot; the template's quota must still
 * hold. `from` is taken for symmetry with nominate: no column keeps where a replacement came from.
 */
export async function replaceReferee(deps: PortalDeps, request: ReferenceRequest, oldRefereeId: string, input: FormValues, from: From, now = new Date()): Promise<ReplaceResult> {
  if (!isOpen(request)) return { kind: 'closed' };
  const all = await listReferees(deps.db, request.id);
  const old = all.find((r) => r.id === oldRefereeId);
  if (!old) return { kind: 'unknown-referee' };
  const allowedFrom = replaceableFrom(old, request.templateSnapshot);
  if (!allowedFrom) return { kind: 'not-replaceable' };
  if (allowedFrom > now) return { kind: 'too-early', from: allowedFrom };
  const form = parseReplacement(request.templateSnapshot, request.candidateEmail, input, old, all);
  if (form.kind === 'invalid') return form;
  try {
    const refereeId = await deps.db.withTransaction(async (tx) => {
      // The referee may have answered since the page was shown: then there is no one to replace.
      if (!(await markReplaced(tx, old.id))) throw new Refused('not-replaceable');
      const fresh = await insertReferee(tx, request.id, old.slot, form.nominee, old.id);
      await recordEvent(inTransaction(deps.db, tx), request.id, 'referee-replaced', old.id);
      const outcome = await signalOrUnavailable(() => deps.checks.replaced(request.workflowId, { requestId: request.id, oldRefereeId: old.id, newRefereeId: fresh.id }));
      if (outcome === 'no-run') throw new Refused('not-running');
      return fresh.id;
    });
    deps.logger.info({ requestId: request.id, oldRefereeId: old.id, refereeId }, 'candidate replaced a referee');
    return { kind: 'replaced', refereeId };
  } catch (err) {
    return settle<ReplaceRefusal>(deps, err, request.id, 'replace', 'not-replaceable');
  }
}

/**
 * The expected ways a transaction ends without storing; anything else is a real error. K lists
 * the caller's result kinds: each call site throws only Refused kinds that belong to it.
 */
function settle<K extends string>(deps: PortalDeps, err: unknown, requestId: string, action: string, onDuplicate: K): { kind: K } {
  if (err instanceof Refused) return { kind: err.kind as K };
  if (isUniqueViolation(err)) return { kind: onDuplicate };
  if (err instanceof TemporalUnavailable) {
    deps.logger.warn({ requestId, action, err: { message: (err.cause as Error)?.message } }, 'temporal unreachable; candidate asked to retry');
    return { kind: 'unavailable' as K };
  }
  throw err;
}
