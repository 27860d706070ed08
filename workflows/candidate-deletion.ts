import { log } from '@temporalio/workflow';
import { lever, local } from './activities';
import type { CandidateDeletionInput, CandidateDeletionResult } from './definitions';

/**
 * Lever's webhook said a candidate was deleted and no reference check was running to hear it. The
 * webhook is a hint (Lever signs the envelope, not the data): refcheck forgets the candidate only
 * once Lever answers 404 for the opportunity. Reading Lever is an activity, so an outage retries.
 */
export async function candidateDeletion(input: CandidateDeletionInput): Promise<CandidateDeletionResult> {
  const seen = await lever().readOpportunityState(input);
  if (seen.state !== 'deleted') {
    log.warn('deletion webhook unconfirmed by Lever; nothing purged', { lever: seen.state, opportunityId: input.opportunityId });
    return { outcome: 'unconfirmed' };
  }
  await local.forgetCandidate(input);
  return { outcome: 'purged' };
}
