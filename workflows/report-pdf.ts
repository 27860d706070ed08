import { ActivityFailure, ApplicationFailure, isCancellation, log } from '@temporalio/workflow';
import { isOpportunityDeleted, local, reportPdf } from './activities';

/**
 * The report as a PDF on the candidate in Lever, when the connection asks for it (the activity
 * reads the setting). The PDF is optional: when Lever refuses it or rendering keeps failing, the
 * reason is recorded for the console and the check goes on to the hire outcome.
 */
export async function attachReportPdf(input: { connectionId: string; opportunityId: string; requestId: string }): Promise<void> {
  try {
    await reportPdf().attachReportPdf(input);
  } catch (err) {
    // Cancelled, or Lever deleted the candidate: not the PDF's failure, the run's business.
    if (isCancellation(err) || isOpportunityDeleted(err)) throw err;
    const cause = err instanceof ActivityFailure ? err.cause : undefined;
    const detail = cause instanceof ApplicationFailure && cause.type ? `${cause.type}: ${cause.message}` : (cause ?? (err as Error)).message;
    log.warn('attaching the report PDF failed; the check goes on', { detail });
    await local.recordReportPdfFailed({ requestId: input.requestId, detail });
  }
}
