import {
  allHandlersFinished, CancellationScope, condition, isCancellation, log, setCurrentDetails, setHandler, TemporalFailure,
  upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { CandidateSnapshot } from '../activities/lever';
import { isOpportunityDeleted, lever, local, localActivities, resend } from './activities';
import { collectReferences, type PortalInbox } from './collect-references';
import {
  candidateNominated, checkCancelled, hireDecided, leverHint, refereeReplaced, resendCandidateInvitation, statusQuery, StatusKey,
  type HireDecidedSignal, type Outcome, type ReferenceCheckInput, type ReferenceCheckResult,
  type ReferenceCheckStatus, type Step,
} from './definitions';
import { awaitHireOutcome } from './hire-outcome';
import { confirmWithLever } from './lever-hints';
import { attachReportPdf } from './report-pdf';
import { stopCollecting, type Stop } from './stop';
import { sendText, textOutsideQuietHours, texts } from './texts';
import { hireMarker, noTemplateMarker, reportMarker } from './summary';

/**
 * One candidate's reference check, from Lever's stage change (or a start in the console) to the
 * hire outcome. Durations come from the input, so tests run this same code in seconds.
 */
export async function referenceCheck(input: ReferenceCheckInput): Promise<ReferenceCheckResult> {
  const startedAt = new Date(workflowInfo().startTime).toISOString();
  const status: ReferenceCheckStatus = { step: 'confirming-trigger' };
  const inbox: PortalInbox = { replacements: [] };
  const candidateRef = { connectionId: input.connectionId, opportunityId: input.opportunityId };
  let hire: HireDecidedSignal | undefined;
  let stop: Stop | undefined;
  /** Lever confirmed the candidate is gone: whatever the run is doing, it ends by forgetting them. */
  let deleted = false;
  let candidateInvited = false;
  let candidateResends = 0;
  let textsOn = false;

  // Handlers first, before any await, so no early signal is lost.
  setHandler(statusQuery, () => status);
  setHandler(candidateNominated, (s) => {
    if (s.requestId === status.requestId) inbox.nominated ??= s;
  });
  setHandler(refereeReplaced, (s) => {
    if (s.requestId === status.requestId) inbox.replacements.push(s);
  });
  // The console and the owner are authenticated: their word stands. The first stop and the first answer stand;
  // an answer arriving while references are collected is applied at the hire step.
  setHandler(checkCancelled, () => {
    stop ??= { kind: 'cancelled' };
  });
  setHandler(hireDecided, (s) => {
    hire ??= s;
  });
  // Lever's webhooks are hints: the handler reads Lever (an activity, so it retries) and acts only on what Lever shows.
  setHandler(leverHint, async (hint) => {
    const seen = await confirmWithLever(input, hint);
    if (seen?.state === 'deleted') deleted = true;
    else if (seen?.state === 'archived' && hint.event === 'hired') hire ??= { hired: true, source: 'lever-webhook' };
    else if (seen?.state === 'archived') stop ??= { kind: 'archived', hired: seen.hired };
  });
  setHandler(resendCandidateInvitation, async () => {
    // A resend asked for while the first invitation is on its way goes after it, not nowhere
    // (the recruiter pressed the button and was told it was sent). Once the page is closed, nothing.
    await condition(() => candidateInvited || status.step === 'done');
    if (!candidateInvited || status.requestStatus !== 'open' || !status.requestId) return;
    const n = ++candidateResends;
    try {
      await resend.resendCandidateInvitation({ requestId: status.requestId, n });
      const requestId = status.requestId;
      if (textsOn) await sendText(() => texts.textCandidate({ requestId, kind: 'resend', n }), 'candidate resend');
    } catch (err) {
      // A resend is a courtesy: its failure must not fail the check.
      log.warn('resending the candidate invitation failed', { n, error: String(err) });
    }
  });

  // Read through functions: the handlers set these between awaits, which TypeScript's narrowing cannot see.
  const stopped = (): Stop | undefined => stop;
  const gone = () => deleted;
  const halted = () => stop !== undefined || deleted;
  // Ids and steps only: the UI's details are not personal data.
  const enter = (step: Step, waitingFor?: string) => {
    status.step = step;
    upsertSearchAttributes([{ key: StatusKey, value: step }]);
    const ids = `**Opportunity:** ${input.opportunityId}${status.requestId ? ` · **Request:** ${status.requestId}` : ''}`;
    setCurrentDetails([ids, `**Step:** ${step}`, waitingFor ? `**Waiting for:** ${waitingFor}` : ''].filter(Boolean).join('\n\n'));
  };
  const finish = async (outcome: Outcome): Promise<ReferenceCheckResult> => {
    // A resend still mailing, or a hint still being checked with Lever, completes first: a run must not end under a running handler.
    await condition(allHandlersFinished);
    // Lever deleted the candidate, whatever the run was doing or had decided: refcheck forgets them.
    if (deleted) {
      await local.forgetCandidate(candidateRef);
      outcome = 'deleted';
    }
    status.outcome = outcome;
    enter('done');
    upsertSearchAttributes([{ key: StatusKey, value: outcome }]);
    await local.finishCheck({ outcome });
    return {
      outcome, requestId: status.requestId, requestStatus: status.requestStatus === 'open' ? undefined : status.requestStatus,
      responsesReceived: status.responsesReceived ?? 0, requiredReferences: status.requiredReferences,
      hireSource: status.hire?.source, startedAt, finishedAt: new Date().toISOString(),
    };
  };

  /** Ends a run that found its candidate's check already concluded: nothing done, nothing recorded. */
  const alreadyCompleted = async (concluded: { requestId: string; status: 'completed' | 'expired' }): Promise<ReferenceCheckResult> => {
    await condition(allHandlersFinished);
    Object.assign(status, { requestId: concluded.requestId, requestStatus: concluded.status, outcome: 'already-completed' });
    enter('done');
    upsertSearchAttributes([{ key: StatusKey, value: 'already-completed' }]);
    return { outcome: 'already-completed', requestId: concluded.requestId, requestStatus: concluded.status, responsesReceived: 0, startedAt, finishedAt: new Date().toISOString() };
  };

  // A stage change for a check that already ran to its end (a stray event, or one after Temporal
  // forgot the run) does nothing at all: the console's row stays the concluded run's. A console start is on purpose.
  // Otherwise the console lists the check from its first moment, before Lever is asked anything.
  const { alreadyConcluded } = await localActivities.beginCheck({ ...candidateRef, startedBy: input.startedBy, manual: input.manual });
  if (alreadyConcluded) return alreadyCompleted(alreadyConcluded);
  try {
    return await run();
  } catch (err) {
    // Lever answered 404 for the candidate during a step: Lever deleted them. An outcome, not a failure.
    if (isOpportunityDeleted(err)) {
      deleted = true;
      return finish('deleted');
    }
    // The console shows how the run ended: cancelled through Temporal, or failed (the error still fails the run).
    if (isCancellation(err)) await CancellationScope.nonCancellable(() => local.finishCheck({ outcome: 'cancelled' }));
    else if (err instanceof TemporalFailure) await local.finishCheck({ outcome: 'failed' });
    throw err;
  }

  async function run(): Promise<ReferenceCheckResult> {
    // 1. Confirm the trigger: the webhook is a hint, Lever is the truth. A start from the console
    // is not a stage change, so only an archived candidate ends it here.
    enter('confirming-trigger', 'Lever: reading the opportunity');
    const read = await lever().readCandidate({ ...candidateRef, triggerStageId: input.triggerStageId });
    // A confidential candidate this key may not read: an outcome whose fix (a key with confidential
    // access) the console gives, not a failure. No note in Lever says why: Lever refuses this key
    // every read and write on that opportunity, notes included.
    if ('refused' in read) return finish('confidential-no-access');
    const candidate: CandidateSnapshot = read;
    if (candidate.archived || (!input.manual && !candidate.inTriggerStage)) return finish('stale-trigger');

    // 2. Open the reference request with the template the posting's tags ask for: quick, idempotent
    // Postgres work, run as a local activity: no round trip through Temporal's queue, which in a
    // burst of a thousand candidates is a third of the worker's load.
    enter('opening-request');
    const opened = candidate.hasEmail ? await localActivities.openRequest({ ...candidateRef, postingTags: candidate.postingTags }) : undefined;
    if (!opened || 'noTemplate' in opened) {
      const why = opened
        ? `no template matches this posting's tags (${candidate.postingTags.join(', ') || 'none'}) and the connection has no default template`
        : 'the candidate has no email address in Lever';
      await lever().postNote({
        connectionId: input.connectionId, opportunityId: input.opportunityId,
        marker: noTemplateMarker(input.opportunityId, input.triggeredAt), note: `refcheck could not start a reference check: ${why}.`,
      });
      return finish('no-template');
    }
    const { requestId, plan } = opened;
    Object.assign(status, { requestId, templateName: opened.templateName, requestStatus: 'open', requiredReferences: opened.requiredReferences, responsesReceived: 0 });
    await local.inviteCandidate({ requestId });
    candidateInvited = true;
    textsOn = plan.sms;
    const invitationText = textsOn
      ? textOutsideQuietHours({
        quietHours: plan.reminders.quietHours, label: 'candidate', done: () => inbox.nominated !== undefined || halted(),
        send: () => texts.textCandidate({ requestId, kind: 'invitation' }),
      })
      : undefined;

    // 3-4. The candidate names referees and each referee answers, unless the check is stopped.
    const collected = await collectReferences({ requestId, plan, inbox, stopped: halted, enter });
    await invitationText;
    Object.assign(status, { requestStatus: collected.requestStatus, responsesReceived: collected.answered });
    if (gone()) return finish('deleted');
    const stoppedEarly = stopped();
    if (stoppedEarly) return finish(await stopCollecting(input, requestId, stoppedEarly));
    const { summary } = await local.concludePortalRequest({ requestId, status: collected.requestStatus });

    // 5. Publish: the report link and a one-line note, each exactly once; the hiring manager gets the link.
    // The link is a bearer token: it is made and kept (sealed) in Postgres, and read there by the activities that publish it.
    enter('publishing-report', 'Lever: adding the report link and note');
    await local.createReportLink({ requestId });
    await lever().publishReport({ ...candidateRef, requestId, marker: reportMarker(requestId), summary });
    // The report as a PDF file in Lever too, once, if the connection asks for it.
    await attachReportPdf({ connectionId: input.connectionId, opportunityId: input.opportunityId, requestId });
    if (plan.hiringManager) await local.mailHiringManager({ requestId });

    // 6. The hire outcome: Lever's webhook or the console's mark, or the owner's answer once the delay has passed.
    enter('awaiting-hire-outcome', `Lever's Candidate Hired webhook, or ${input.hireConfirmationDelaySeconds}s before asking the owner`);
    const decision = await awaitHireOutcome({
      delaySeconds: input.hireConfirmationDelaySeconds, ownerAnswerTimeoutSeconds: input.ownerAnswerTimeoutSeconds,
      hasOwnerEmail: candidate.hasOwnerEmail, requestId,
      decision: () => hire,
      stopped: halted,
      onAskingOwner: () => enter('awaiting-owner-answer', "the owner's yes/no (link or reply)"),
    });
    if (gone()) return finish('deleted');
    const stoppedBy = stopped();
    // Cancelled in the console after the report: nothing left to ask anyone.
    if (stoppedBy?.kind === 'cancelled' && !decision) return finish('cancelled');
    // Archived in Lever after the report: Lever's archive reason says whether it was a hire.
    status.hire = decision ?? (stoppedBy?.kind === 'archived' ? { hired: stoppedBy.hired, source: 'lever-archive' } : undefined);
    const settled = status.hire;

    // 7. Record it, tell Lever, finish.
    enter('recording-hire-outcome');
    const outcome = settled === undefined ? 'unconfirmed' : settled.hired ? 'hired' : 'not-hired';
    await local.recordHireOutcome({ requestId, outcome, source: settled?.source ?? 'no-answer' });
    if (settled) {
      // The owner and the console are people at the company; Lever already knows what it told us.
      const byPeople = settled.source === 'owner-link' || settled.source === 'owner-reply' || settled.source === 'console';
      await lever().syncHireOutcome({
        connectionId: input.connectionId, opportunityId: input.opportunityId, marker: hireMarker(requestId),
        note: settled.hired ? `Hire confirmed (${settled.source}).` : `Not hired (${settled.source}).`,
        tags: [settled.hired ? 'refcheck: hired' : 'refcheck: not hired'],
        archiveAsHired: settled.hired && byPeople && input.hireSync === 'archive-as-hired',
      });
    }
    return finish(outcome === 'unconfirmed' ? 'hire-unconfirmed' : outcome);
  }
}
