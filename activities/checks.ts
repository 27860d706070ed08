import * as checks from '../src/db/checks';
import { findConcludedRequest } from '../src/db/requests';
import type { CheckOutcome } from '../workflows/definitions';
import { type ActivityDeps, callingWorkflow } from './deps';

/**
 * The console's row for the check: begun (by whom) and finished (how). The candidate's name and
 * job are written by readCandidate, the request id by openRequest, where those are known anyway.
 */
export function checkActivities(deps: ActivityDeps) {
  return {
    async recordCheckStarted(input: { connectionId: string; opportunityId: string; startedBy: string }): Promise<void> {
      await checks.recordCheckStarted(deps.db, { ...callingWorkflow(), ...input });
    },

    /** The candidate's request that already ran to its end, if any: a stage change for it does nothing. */
    async findConcludedRequest(input: { connectionId: string; opportunityId: string }): Promise<{ requestId: string; status: 'completed' | 'expired' } | null> {
      return (await findConcludedRequest(deps.db, input.connectionId, input.opportunityId)) ?? null;
    },

    async finishCheck(input: { outcome: CheckOutcome }): Promise<void> {
      await checks.finishCheck(deps.db, { ...callingWorkflow(), outcome: input.outcome });
    },
  };
}
