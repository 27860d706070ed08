import { purgeOldLoginFailures } from '../src/db/accounts';
import { purgeExpiredDeliveries } from '../src/db/deliveries';
import { purgeOldLeverWrites } from '../src/db/lever-writes';
import { purgeExpiredWebhookTokens } from '../src/db/webhook-tokens';
import * as retention from '../src/db/retention';
import { DAY_MS } from './deps';
import type { ActivityDeps } from './deps';

export type PurgeBatchInput = { batchSize: number };
export type PurgeBatchResult = { purged: number };
export type OperationalPurgeResult = { deliveries: number; webhookTokens: number; loginFailures: number; leverWrites: number };

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

    /**
     * Webhook deliveries past their retention, delivery tokens older than the triggeredAt window
     * (a replay that old is refused by the window itself), sign-in failures older than a day
     * (the throttle looks back 15 minutes; the rows hold an address and an IP), and the records
     * of Lever writes done longer ago than their connection's retention (ids only, but one per note).
     */
    async purgeExpiredOperationalRecords(): Promise<OperationalPurgeResult> {
      const now = Date.now();
      const { webhookDeliveryRetentionDays, webhookMaxAgeSeconds } = deps.settings;
      return {
        deliveries: await purgeExpiredDeliveries(deps.db, new Date(now - webhookDeliveryRetentionDays * DAY_MS)),
        webhookTokens: await purgeExpiredWebhookTokens(deps.db, new Date(now - webhookMaxAgeSeconds * 1000)),
        loginFailures: await purgeOldLoginFailures(deps.db, new Date(now - DAY_MS)),
        leverWrites: await purgeOldLeverWrites(deps.db),
      };
    },
  };
}
