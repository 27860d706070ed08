import { existsSync } from 'node:fs';
import { ApplicationFailure, heartbeat, log } from '@temporalio/activity';
import { attachReportPdfSetting, findReportPdf, recordReportPdf } from '../src/db/report-pdfs';
import { htmlToPdf } from '../src/reports/pdf';
import { loadReport } from '../src/reports/report';
import { renderReportHtml } from '../src/reports/report-html';
import type { ActivityDeps } from './deps';
import { leverCall, leverClientFor, onOpportunity } from './lever';

export type ReportPdfInput = { connectionId: string; opportunityId: string; requestId: string };
export type ReportPdfResult = { outcome: 'off' | 'attached' | 'already-attached' | 'skipped-no-chromium' };

/** The file's name in Lever. Made from the request id, it is also the activity's marker: a retry looks for it. */
export const reportPdfFileName = (requestId: string) => `refcheck-reference-report-${requestId}.pdf`;

/**
 * The report, rendered from the report page's own template to a PDF, attached to the candidate in
 * Lever as a file, when the connection asks for it. Exactly once: before uploading, the activity
 * looks for its own file name on the opportunity, so an attempt retried after Lever stored the
 * upload (response lost, worker killed) uploads nothing again.
 */
export function reportPdfActivities(deps: ActivityDeps) {
  return {
    async attachReportPdf(input: ReportPdfInput): Promise<ReportPdfResult> {
      // Read now, not at the check's start: turning the setting on or off applies to running checks.
      if (!(await attachReportPdfSetting(deps.db, input.connectionId))) return { outcome: 'off' };
      if ((await findReportPdf(deps.db, input.requestId))?.state === 'attached') return { outcome: 'already-attached' };
      const chromiumPath = deps.settings.chromiumPath;
      if (!chromiumPath) {
        // A deployment choice, not a failure: the check goes on and the console says why there is no PDF.
        await recordReportPdf(deps.db, input.requestId, { state: 'skipped-no-chromium' });
        return { outcome: 'skipped-no-chromium' };
      }
      return leverCall(async () => onOpportunity(await leverClientFor(deps, input.connectionId), input.opportunityId, async (client) => {
        const name = reportPdfFileName(input.requestId);
        const existing = (await client.listFiles(input.opportunityId)).find((f) => f.name === name);
        if (existing) {
          await recordReportPdf(deps.db, input.requestId, { state: 'attached', leverFileId: existing.id, bytes: existing.size ?? undefined });
          return { outcome: 'already-attached' as const };
        }
        // A wrong path will not fix itself on a retry: say so at once.
        if (!existsSync(chromiumPath)) throw ApplicationFailure.nonRetryable(`no Chromium at CHROMIUM_PATH (${chromiumPath})`, 'ChromiumMissing');
        const report = await loadReport(deps.db, input.requestId);
        if (!report) throw ApplicationFailure.nonRetryable('the reference request no longer exists', 'RequestNotFound');
        const started = Date.now();
        const pdf = await htmlToPdf(renderReportHtml(report, { madeAt: new Date() }), chromiumPath, () => heartbeat());
        const renderMs = Date.now() - started;
        const file = await client.uploadFile(input.opportunityId, { name, mimeType: 'application/pdf', content: pdf });
        await recordReportPdf(deps.db, input.requestId, { state: 'attached', leverFileId: file.id, bytes: pdf.length });
        // Sizes and times only: the report itself is personal data.
        log.info('report PDF attached', { bytes: pdf.length, renderMs });
        return { outcome: 'attached' as const };
      }));
    },

    /** The PDF was given up (Lever refused it, or rendering kept failing): the console says so, the check goes on. */
    async recordReportPdfFailed(input: { requestId: string; detail: string }): Promise<void> {
      await recordReportPdf(deps.db, input.requestId, { state: 'failed', detail: input.detail });
    },
  };
}
