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
    /**
     * The run's first step. A stage change for a candidate whose request already ran to its end
     * does nothing: that request comes back and no row is written. Otherwise (and always for a
     * console start, which is on purpose) the console's row records the check as begun, by whom.
     * One local activity for both: each one costs the workflow task a round trip to the worker.
     */
    async beginCheck(input: { connectionId: string; opportunityId: string; startedBy: string; manual: boolean }): Promise<{ alreadyConcluded: { requestId: string; status: 'completed' | 'expired' } | null }> {
      if (!input.manual) {
        const concluded = await findConcludedRequest(deps.db, input.connectionId, input.opportunityId);
        if (concluded) return { alreadyConcluded: concluded };
      }
      await checks.recordCheckStarted(deps.db, { ...callingWorkflow(), connectionId: input.connectionId, opportunityId: input.opportunityId, startedBy: input.startedBy });
      return { alreadyConcluded: null };
    },

    async finishCheck(input: { outcome: CheckOutcome }): Promise<void> {
      await checks.finishCheck(deps.db, { ...callingWorkflow(), outcome: input.outcome });
    },
  };
}
