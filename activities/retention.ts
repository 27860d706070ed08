import * as retention from '../src/db/retention';
import type { ActivityDeps } from './deps';

export type PurgeBatchInput = { batchSize: number };
export type PurgeBatchResult = { purged: number };
export type OperationalPurgeResult = { deliveries: number; webhookTokens: number };

/**
 * The retention sweep's steps: each deletes one batch of expired personal data in Postgres and
 * says how many rows it touched (counts only: nothing personal goes back into Temporal).
 * Every step is idempotent and safe beside another sweep (see src/db/retention.ts).
 */
export function retentionActivities(deps: ActivityDeps) {
  return {
    async purgeExpiredRequests(input: PurgeBatchInput): Promise<PurgeBatchResult> {
      return { purged: await retention.purgeExpiredRequests(deps.db, input.batchSize) };
    },

    async purgeExpiredChecksWithoutRequest(input: PurgeBatchInput): Promise<PurgeBatchResult> {
      return { purged: await retention.purgeExpiredChecksWithoutRequest(deps.db, input.batchSize) };
    },

    async purgeWithdrawnProspects(input: PurgeBatchInput): Promise<PurgeBatchResult> {
      return { purged: await retention.purgeWithdrawnProspects(deps.db, input.batchSize) };
    },

    /** Webhook deliveries and the delivery tokens kept against replays, past their own retention. */
    async purgeExpiredOperationalRecords(): Promise<OperationalPurgeResult> {
      // LEAD, after merging finding 9's branch: call purgeExpiredDeliveries(deps.db, olderThan) and
      // purgeExpiredWebhookTokens(deps.db, olderThan) from src/db/deliveries.ts here (olderThan from
      // that branch's retention settings in deps.settings) and return their counts.
      return { deliveries: 0, webhookTokens: 0 };
    },
  };
}
