import { continueAsNew, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { OperationalPurgeResult, PurgeBatchInput, PurgeBatchResult } from '../activities/retention';

/**
 * The retention sweep, started by a Temporal Schedule (src/retention-schedule.ts): deletes the
 * personal data of checks concluded longer ago than their connection's retention, batch by batch,
 * then what a withdrawn consent no longer covers, then old webhook and Lever-write records. Only counts travel
 * through Temporal. Running it twice at once is safe: the batches lock their rows and skip each other's.
 */
export const RETENTION_SWEEP_WORKFLOW = 'retentionSweep';

export type RetentionSweepInput = {
  /** rows deleted per activity (one transaction each) */
  batchSize?: number;
  /** carried over continue-as-new */
  totals?: RetentionSweepResult;
};
export type RetentionSweepResult = {
  requests: number; checks: number; withdrawnProspects: number; deliveries: number; webhookTokens: number; loginFailures: number; leverWrites: number;
};

const sweep = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

/** The sweep's batched steps, in order, each counted under its name in the result. */
const STEPS = {
  requests: sweep.purgeExpiredRequests,
  checks: sweep.purgeExpiredChecksWithoutRequest,
  withdrawnProspects: sweep.purgeWithdrawnProspects,
} satisfies Record<string, (i: PurgeBatchInput) => Promise<PurgeBatchResult>>;

export async function retentionSweep(input: RetentionSweepInput = {}): Promise<RetentionSweepResult> {
  const batchSize = input.batchSize ?? 200;
  const totals: RetentionSweepResult = input.totals ?? { requests: 0, checks: 0, withdrawnProspects: 0, deliveries: 0, webhookTokens: 0, loginFailures: 0, leverWrites: 0 };

  await purgeInBatches('requests', batchSize, input, totals);
  await purgeInBatches('checks', batchSize, input, totals);
  await purgeInBatches('withdrawnProspects', batchSize, input, totals);
  const operational = await sweep.purgeExpiredOperationalRecords();
  for (const [record, count] of Object.entries(operational) as [keyof OperationalPurgeResult, number][]) totals[record] += count;

  log.info('retention sweep done', totals);
  return totals;
}

/**
 * Runs a step until a batch comes back short. A backlog (the first sweep after an upgrade) may
 * take many batches: past Temporal's suggestion the sweep continues as new with its totals,
 * starting over from the first step, which costs little since purged rows are not selected again.
 */
async function purgeInBatches(step: keyof typeof STEPS, batchSize: number, input: RetentionSweepInput, totals: RetentionSweepResult): Promise<void> {
  for (;;) {
    const { purged } = await STEPS[step]({ batchSize });
    totals[step] += purged;
    if (purged < batchSize) return;
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof retentionSweep>({ ...input, totals });
  }
}
