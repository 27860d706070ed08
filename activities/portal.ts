import { ApplicationFailure, Context } from '@temporalio/activity';
import { recordEvent } from '../src/db/events';
import { countReminder, findReferee, findReplacement, listReferees, markExpired, markInvited } from '../src/db/referees';
import { findRequest, markConcluded } from '../src/db/requests';
import { loadReport, reportSummaryLine } from '../src/reports/report';
import { type ActivityDeps, callingWorkflow } from './deps';
import { RecordNotFound } from './errors';
import { portalMails } from './portal-mails';

/**
 * The portal's side effects: referee invitations and reminders, candidate reminders, expiry and
 * conclusion. Each records its timeline event under a key (workflow + step), so a retry
 * records it once; mails go out at most once per step (see mail-once.ts).
 */
export function portalActivities(deps: ActivityDeps) {
  const mails = portalMails(deps);
  /** Within PAGE_COMMIT_WAIT_SECONDS of this activity's first attempt: what the page signalled may still commit. */
  const stillWaiting = () => Date.now() - Context.current().info.scheduledTimestampMs < deps.settings.pageCommitWaitMs;
  const step = (name: string) => {
    const { workflowId, runId } = callingWorkflow();
    return `${workflowId}:${runId}:${name}`;
  };

  return {
    /**
     * The referees to invite. The page signals inside its transaction, so the workflow can ask
     * before the commit lands: "not yet" until it has, and the retry finds it. Landed means the
     * request's nomination is recorded, which that transaction does with its referees: the ones
     * listed are the nomination that committed, even when the signal the run heard came from an
     * attempt whose commit failed after it (Postgres down at that moment) and named ids that never
     * landed, and the candidate's second attempt committed others. None past PAGE_COMMIT_WAIT_SECONDS:
     * that commit failed and nobody tried again yet; the run waits for the candidate's next attempt.
     */
    async listNominated(input: { requestId: string }): Promise<{ refereeId: string; optional: boolean }[] | null> {
      // The mark first, then the referees: a commit landing between two reads must not show the
      // mark without its referees (that run would invite nobody and close the request as expired).
      if (!(await findRequest(deps.db, input.requestId))?.nominatedAt) {
        if (stillWaiting()) throw ApplicationFailure.retryable('the nomination is not committed yet', 'NominationNotCommitted');
        return null;
      }
      const referees = (await listReferees(deps.db, input.requestId)).filter((r) => r.status !== 'replaced');
      return referees.map((r) => ({ refereeId: r.id, optional: r.optional }));
    },

    /**
     * Who replaced this referee, once the page's transaction has committed it: as for a nomination,
     * the replacement that committed, whichever attempt's signal the run heard. None past
     * PAGE_COMMIT_WAIT_SECONDS: the replacement never committed, and the referee it named stays.
     */
    async replacementOf(input: { refereeId: string }): Promise<{ refereeId: string; optional: boolean } | null> {
      const fresh = await findReplacement(deps.db, input.refereeId);
      if (!fresh && stillWaiting()) throw ApplicationFailure.retryable('the replacement is not committed yet', 'NominationNotCommitted');
      return fresh ? { refereeId: fresh.id, optional: fresh.optional } : null;
    },

    async remindCandidate(input: { requestId: string; n: number }): Promise<void> {
      await mails.candidateReminder(input.requestId, input.n);
      await recordEvent(deps.db, input.requestId, 'candidate-reminded', null, step(`candidate-reminder-${input.n}`));
    },

    async inviteReferee(input: { requestId: string; refereeId: string }): Promise<void> {
      await mails.refereeInvitation(input.refereeId);
      await markInvited(deps.db, input.refereeId);
      await recordEvent(deps.db, input.requestId, 'referee-invited', input.refereeId, step('invited'));
    },

    /** The console asked for this referee's invitation again: one mail per resend (n counts them), on the timeline once. */
    async resendRefereeInvitation(input: { requestId: string; refereeId: string; n: number }): Promise<void> {
      await mails.refereeResend(input.refereeId, input.n);
      await recordEvent(deps.db, input.requestId, 'referee-invitation-resent', input.refereeId, step(`resend-${input.n}`));
    },

    async remindReferee(input: { requestId: string; refereeId: string; n: number }): Promise<void> {
      const referee = await findReferee(deps.db, input.refereeId);
      // Answered between the timer firing and this activity: no reminder.
      if (!referee || referee.status !== 'invited') return;
      await mails.refereeReminder(input.refereeId, input.n);
      await countReminder(deps.db, input.refereeId);
      await recordEvent(deps.db, input.requestId, 'referee-reminded', input.refereeId, step(`reminder-${input.n}`));
    },

    /** The deadline passed with no signal: expired, unless the page stored an answer or decline whose signal was lost. */
    async expireReferee(input: { requestId: string; refereeId: string }): Promise<'answered' | 'declined' | 'expired'> {
      const status = await markExpired(deps.db, input.refereeId);
      if (status === 'answered' || status === 'declined') return status;
      await recordEvent(deps.db, input.requestId, 'referee-expired', input.refereeId, step('expired'));
      return 'expired';
    },

    /** Closes the request and returns the one line Lever's note starts with. */
    async concludePortalRequest(input: { requestId: string; status: 'completed' | 'expired' | 'cancelled' }): Promise<{ summary: string }> {
      const request = await findRequest(deps.db, input.requestId);
      if (request && !request.nominatedAt && input.status === 'expired') {
        await recordEvent(deps.db, input.requestId, 'candidate-expired', null, step('candidate-expired'));
      }
      await markConcluded(deps.db, input.requestId, input.status);
      await recordEvent(deps.db, input.requestId, 'concluded', null, step('concluded'));
      const report = await loadReport(deps.db, input.requestId);
      if (!report) throw new RecordNotFound(`reference request ${input.requestId}`);
      return { summary: reportSummaryLine(report) };
    },
  };
}
