import { continueAsNew, defineQuery, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ExportProspectOutcome } from '../activities/prospects';
import { onLeverQueue } from './activities';

/**
 * Prospects to Lever: "export all" for a connection (one run at a time per connection), and one
 * small run per referee who opts in (its confirmation mail, and its export when the connection
 * exports automatically). Both send each prospect with the same idempotent activity; only ids
 * and counts travel through Temporal, never names or addresses.
 */
export const prospectExportWorkflowId = (connectionId: string) => `prospect-export/${connectionId}`;
export const prospectWorkflowId = (refereeId: string) => `prospect/${refereeId}`;

export type ProspectExportProgress = { total: number; exported: number; created: number; existing: number; failed: number; skipped: number };
export type ProspectExportStatus = ProspectExportProgress & { step: 'starting' | 'exporting' | 'done' };
export const prospectExportStatusQuery = defineQuery<ProspectExportStatus>('status');

export type ProspectExportInput = {
  connectionId: string;
  /** the Lever user the leads are created as (an id from Lever's users) */
  performAs: string;
  tag: string;
  /** 'console:<accountId>' */
  startedBy: string;
  /** prospects read from Postgres per page, and sent to Lever this many at a time */
  pageSize?: number;
  batchSize?: number;
  /** continue as new past this many history events (bounded history however many prospects) */
  maxHistoryEvents?: number;
  /** carried over continue-as-new */
  resume?: { exportId: string; cutoff: string; after: string | null; progress: ProspectExportProgress };
};
export type ProspectExportResult = ProspectExportProgress & { exportId: string };

export type ProspectInput = { connectionId: string; refereeId: string };
export type ProspectResult = { export: ExportProspectOutcome | 'off' };

/** A prospect's write to Lever: the rate limiter may hold it a while (it heartbeats); a long Lever outage ends in 'failed'. */
const lever = () => onLeverQueue({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});
const local = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function prospectExport(input: ProspectExportInput): Promise<ProspectExportResult> {
  const { connectionId } = input;
  const pageSize = input.pageSize ?? 50;
  const batchSize = input.batchSize ?? 10;
  const maxEvents = input.maxHistoryEvents ?? 2_000;
  const status: ProspectExportStatus = { step: 'starting', ...(input.resume?.progress ?? { total: 0, exported: 0, created: 0, existing: 0, failed: 0, skipped: 0 }) };
  setHandler(prospectExportStatusQuery, () => status);
  const show = () => setCurrentDetails(`**${status.step}:** exported ${status.exported} of ${status.total}${status.failed ? `, ${status.failed} failed` : ''}${status.skipped ? `, ${status.skipped} skipped` : ''}`);

  const exportId = input.resume?.exportId ?? workflowInfo().runId;
  let cutoff = input.resume?.cutoff;
  if (!cutoff) {
    const run = await local.beginProspectExport({ connectionId, exportId, startedBy: input.startedBy });
    status.total = run.total;
    cutoff = run.cutoff;
  }
  status.step = 'exporting';
  show();

  let after = input.resume?.after ?? null;
  for (;;) {
    const ids = await local.nextProspects({ connectionId, after, cutoff, limit: pageSize });
    if (ids.length === 0) break;
    for (let i = 0; i < ids.length; i += batchSize) {
      const outcomes = await Promise.all(ids.slice(i, i + batchSize).map((refereeId) => exportOne({ connectionId, refereeId, performAs: input.performAs, tag: input.tag, exportId })));
      for (const o of outcomes) tally(status, o);
      show();
    }
    after = ids[ids.length - 1];
    // Each prospect costs ~3 events; a new run keeps the history short for thousands of prospects.
    if (workflowInfo().historyLength > maxEvents - 4 * pageSize || workflowInfo().continueAsNewSuggested) {
      const { step: _step, ...progress } = status;
      await continueAsNew<typeof prospectExport>({ ...input, resume: { exportId, cutoff, after, progress } });
    }
  }

  await local.finishProspectExport({ connectionId, exportId });
  status.step = 'done';
  show();
  const { step: _step, ...progress } = status;
  return { ...progress, exportId };
}

/** One referee opted in: confirm it to them (with the withdraw link), and export them if the connection says so. */
export async function prospectOptIn(input: ProspectInput): Promise<ProspectResult> {
  await local.mailProspectConfirmation({ refereeId: input.refereeId });
  const settings = await local.prospectSettings({ connectionId: input.connectionId });
  if (!settings.autoExport || !settings.performAs) return { export: 'off' };
  const outcome = await exportOne({ ...input, performAs: settings.performAs, tag: settings.tag, exportId: workflowInfo().workflowId });
  return { export: outcome };
}

async function exportOne(input: { connectionId: string; refereeId: string; performAs: string; tag: string; exportId: string }): Promise<ExportProspectOutcome> {
  try {
    return (await lever().exportProspect(input)).outcome;
  } catch (err) {
    // Retries ran out: recorded for the console; the next export tries this prospect again.
    const cause = (err as { cause?: { message?: string } }).cause;
    await local.recordProspectFailure({ connectionId: input.connectionId, refereeId: input.refereeId, error: cause?.message ?? String(err) });
    return 'failed';
  }
}

function tally(s: ProspectExportProgress, o: ExportProspectOutcome) {
  if (o === 'created' || o === 'existing') {
    s.exported++;
    s[o]++;
  } else if (o === 'failed') s.failed++;
  else s.skipped++;
}
