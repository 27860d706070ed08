import type { CheckRow } from '../db/check-list';
import type { Referee } from '../db/referees';

/**
 * Where a check stands, in a recruiter's words, derived from what refcheck already records (the
 * run's outcome, its request, the referees, the hire outcome) rather than stored a second time.
 */
export function describeStep(c: CheckRow, referees: Pick<Referee, 'status'>[]): string {
  if (c.finishedAt) return OUTCOME_WORDS[c.outcome ?? ''] ?? c.outcome ?? 'finished';
  if (!c.request) return 'Starting: reading the candidate from Lever';
  if (c.request.status === 'open' && !c.request.nominatedAt) return 'Waiting for the candidate to name referees';
  if (c.request.status === 'open') {
    const answered = referees.filter((r) => r.status === 'answered').length;
    return `Waiting for referees (${answered} of ${referees.length} answered)`;
  }
  return c.hireOutcome ? 'Recording the hire outcome' : 'Report published; waiting for the hire outcome';
}

export const CONFIDENTIAL_REFUSED = 'Lever refused: confidential candidate';

/**
 * What to do about a confidential candidate Lever refused. Lever gives a key confidential access
 * only when the key is made, so the fix is always a new key. `ticked`: the connection already says
 * its key has that access, so the key it holds was made without it. `then`: the last step.
 */
export function confidentialFix(ticked: boolean, then: string): string {
  const why = ticked
    ? 'This connection says its API key has confidential access, but Lever refused the key: it was made without it.'
    : 'This connection\'s API key has no confidential access.';
  return `${why} In Lever, Settings › Integrations and API, make a new key with 'Allow access to confidential data' ticked (Lever sets it only when a key is made), `
    + `paste it on the connection page and tick 'This key has confidential data access'; then ${then}.`;
}

const OUTCOME_WORDS: Record<string, string> = {
  hired: 'Done: hired', 'not-hired': 'Done: not hired', 'hire-unconfirmed': 'Done: hire not confirmed',
  archived: 'Stopped: archived in Lever', deleted: 'Stopped: deleted in Lever', cancelled: 'Cancelled in refcheck',
  'stale-trigger': 'Not started: not in the trigger stage', 'no-template': 'Not started: no template or no email', failed: 'Failed (see the Temporal run)',
  'confidential-no-access': CONFIDENTIAL_REFUSED,
};

/**
 * An opportunity id from what a recruiter pastes: the id itself, or a Lever URL such as
 * https://hire.lever.co/candidates/<id> or .../opportunities/<id>. Undefined for anything else.
 */
export function opportunityIdFrom(input: string): string | undefined {
  const s = input.trim();
  const fromUrl = /\/(?:candidates|opportunities)\/([A-Za-z0-9_-]{1,100})(?:[/?#]|$)/.exec(s)?.[1];
  if (fromUrl) return fromUrl;
  return /^[A-Za-z0-9_-]{1,100}$/.test(s) ? s : undefined;
}
