import { isCancellation, log } from '@temporalio/workflow';
import type { OpportunityState } from '../activities/lever';
import { lever } from './activities';
import type { LeverHint, ReferenceCheckInput } from './definitions';

/**
 * Lever signs a webhook's envelope, not its data, so a captured delivery can be re-sent about any
 * candidate: its word is a hint. What Lever shows of the opportunity now is the truth: hired is
 * "archived with a hired reason" (when Lever sends Candidate Hired), archived is "archived", deleted
 * is "Lever has no such opportunity". A 404 is believed whatever the hint said; anything else Lever
 * does not confirm changes nothing and is logged (ids and states only).
 */
export async function confirmWithLever(input: ReferenceCheckInput, hint: LeverHint): Promise<OpportunityState | undefined> {
  let seen: OpportunityState;
  try {
    seen = await lever().readOpportunityState({ connectionId: input.connectionId, opportunityId: input.opportunityId });
  } catch (err) {
    if (isCancellation(err)) throw err;
    // Lever refused for good (a revoked key, say): unconfirmed; the run goes on as it was.
    log.warn('could not read the opportunity in Lever to confirm a webhook; nothing changes', { event: hint.event, error: String(err) });
    return undefined;
  }
  const confirmed =
    seen.state === 'deleted' ||
    (hint.event === 'archived' && seen.state === 'archived') ||
    (hint.event === 'hired' && seen.state === 'archived' && seen.hired);
  if (confirmed) return seen;
  log.warn('webhook unconfirmed by Lever; nothing changes', { event: hint.event, lever: seen.state, opportunityId: input.opportunityId });
  return undefined;
}
