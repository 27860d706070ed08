import {
  allHandlersFinished, CancellationScope, condition, isCancellation, log, setCurrentDetails, setHandler, TemporalFailure,
  upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { CandidateSnapshot } from '../activities/lever';
import { lever, local, localActivities, resend } from './activities';
import { collectReferences, type PortalInbox } from './collect-references';
import {
  candidateNominated, candidateStopped, hireDecided, refereeReplaced, resendCandidateInvitation, statusQuery, StatusKey,
  type HireDecidedSignal, type Outcome, type ReferenceCheckInput, type ReferenceCheckResult,
  type ReferenceCheckStatus, type Step, type StopSignal,
} from './definitions';
import { awaitHireOutcome } from './hire-outcome';
import { attachReportPdf } from './report-pdf';
import { hireFromArchive, stopCollecting } from './stop';
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
  let hire: HireDecidedSignal | undefined;
  let stop: StopSignal | undefined;
  let candidateInvited = false;
  let candidateResends = 0;
  let textsOn = false;
  let who = '';

  // Handlers first, before any await, so no early signal is lost.
  setHandler(statusQuery, () => status);
  setHandler(candidateNominated, (s) => {
    if (s.requestId === status.requestId) inbox.nominated ??= s;
  });
  setHandler(refereeReplaced, (s) => {
    if (s.requestId === status.requestId) inbox.replacements.push(s);
  });
  setHandler(candidateStopped, (s) => {
    stop ??= s; // the first stop stands
  });
  setHandler(hireDecided, (s) => {
    hire ??= s; // the first answer stands; one arriving while references are collected is applied at the hire step
  });
  setHandler(resendCandidateInvitation, async () => {
    // Only while the request is open and the first invitation has gone: before, it is on its way; after, the page is closed.
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

  // Read through a function: the handler sets it between awaits, which TypeScript's narrowing cannot see.
  const stopSignal = (): StopSignal | undefined => stop;
  const enter = (step: Step, waitingFor?: string) => {
    status.step = step;
    upsertSearchAttributes([{ key: StatusKey, value: step }]);
    setCurrentDetails([who, `**Step:** ${step}`, waitingFor ? `**Waiting for:** ${waitingFor}` : ''].filter(Boolean).join('\n\n'));
  };
  const finish = async (outcome: Outcome): Promise<ReferenceCheckResult> => {
    status.outcome = outcome;
    enter('done');
    upsertSearchAttributes([{ key: StatusKey, value: outcome }]);
    // A resend still mailing completes first: a run must not end under a running handler.
    await condition(allHandlersFinished);
    await local.finishCheck({ outcome });
    return {
      outcome, requestId: status.requestId, requestStatus: status.requestStatus === 'open' ? undefined : status.requestStatus,
      responsesReceived: status.responsesReceived ?? 0, requiredReferences: status.requiredReferences, reportUrl: status.reportUrl,
      hireSource: status.hire?.source, startedAt, finishedAt: new Date().toISOString(),
    };
  };

  // The console lists the check from its first moment, before Lever is asked anything.
  await localActivities.recordCheckStarted({ connectionId: input.connectionId, opportunityId: input.opportunityId, startedBy: input.startedBy });
  try {
    return await run();
  } catch (err) {
    // The console shows how the run ended: cancelled through Temporal, or failed (the error still fails the run).
    if (isCancellation(err)) await CancellationScope.nonCancellable(() => local.finishCheck({ outcome: 'cancelled' }));
    else if (err instanceof TemporalFailure) await local.finishCheck({ outcome: 'failed' });
    throw err;
  }

  async function run(): Promise<ReferenceCheckResult> {
    // 1. Confirm the trigger: the webhook is a hint, Lever is the truth. A start from the console
    // is not a stage change, so only an archived candidate ends it here.
    enter('confirming-trigger', 'Lever: reading the opportunity');
    const read = await lever.readCandidate(input);
    // A confidential candidate this key may not read: an outcome whose fix (a key with confidential
    // access) the console gives, not a failure. No note in Lever says why: Lever refuses this key
    // every read and write on that opportunity, notes included.
    if ('refused' in read) return finish('confidential-no-access');
    const candidate: CandidateSnapshot = read;
    who = `**Candidate:** ${candidate.candidateName}${candidate.postingTitle ? ` · **Job:** ${candidate.postingTitle}` : ''}`;
    if (candidate.archived || (!input.manual && !candidate.inTriggerStage)) return finish('stale-trigger');

    // 2. Open the reference request with the template the posting's tags ask for.
    enter('opening-request');
    const template = await local.pickTemplate({ connectionId: input.connectionId, postingTags: candidate.postingTags });
    if (!template || !candidate.candidateEmail) {
      const why = !template
        ? `no template matches this posting's tags (${candidate.postingTags.join(', ') || 'none'}) and the connection has no default template`
        : 'the candidate has no email address in Lever';
      await lever.postNote({
        connectionId: input.connectionId, opportunityId: input.opportunityId,
        marker: noTemplateMarker(input.opportunityId, input.triggeredAt), note: `refcheck could not start a reference check: ${why}.`,
      });
      return finish('no-template');
    }
    const { requestId, plan } = await local.openRequest({
      connectionId: input.connectionId, opportunityId: input.opportunityId, templateId: template.id,
      requiredReferences: template.requiredReferences, deadlineSeconds: template.deadlineSeconds,
      candidateName: candidate.candidateName, candidateEmail: candidate.candidateEmail, postingTitle: candidate.postingTitle,
    });
    Object.assign(status, { requestId, templateName: template.name, requestStatus: 'open', requiredReferences: template.requiredReferences, responsesReceived: 0 });
    await local.inviteCandidate({ requestId });
    candidateInvited = true;
    textsOn = plan.sms;
    const invitationText = textsOn
      ? textOutsideQuietHours({
        quietHours: plan.reminders.quietHours, label: 'candidate', done: () => inbox.nominated !== undefined || stop !== undefined,
        send: () => texts.textCandidate({ requestId, kind: 'invitation' }),
      })
      : undefined;

    // 3-4. The candidate names referees and each referee answers, unless the check is stopped.
    const collected = await collectReferences({ requestId, plan, inbox, stopped: () => stop !== undefined, enter });
    await invitationText;
    Object.assign(status, { requestStatus: collected.requestStatus, responsesReceived: collected.answered });
    if (stop) return finish(await stopCollecting(input, requestId, stop));
    const { summary } = await local.concludePortalRequest({ requestId, status: collected.requestStatus });

    // 5. Publish: the report link and a one-line note, each exactly once; the hiring manager gets the link.
    enter('publishing-report', 'Lever: adding the report link and note');
    status.reportUrl = await local.createReportLink({ requestId });
    await lever.publishReport({
      connectionId: input.connectionId, opportunityId: input.opportunityId, reportUrl: status.reportUrl,
      marker: reportMarker(requestId), note: `${summary}. Report: ${status.reportUrl}`,
    });
    // The report as a PDF file in Lever too, once, if the connection asks for it.
    await attachReportPdf({ connectionId: input.connectionId, opportunityId: input.opportunityId, requestId });
    if (plan.hiringManager) await local.mailHiringManager({ requestId, reportUrl: status.reportUrl });

    // 6. The hire outcome: Lever's webhook or the console's mark, or the owner's answer once the delay has passed.
    enter('awaiting-hire-outcome', `Lever's Candidate Hired webhook, or ${input.hireConfirmationDelaySeconds}s before asking the owner`);
    const decision = await awaitHireOutcome({
      delaySeconds: input.hireConfirmationDelaySeconds, ownerAnswerTimeoutSeconds: input.ownerAnswerTimeoutSeconds,
      owner: { name: candidate.ownerName, email: candidate.ownerEmail }, requestId,
      decision: () => hire,
      stopped: () => stop !== undefined,
      onAskingOwner: () => enter('awaiting-owner-answer', "the owner's yes/no (link or reply)"),
    });
    const stoppedBy = stopSignal();
    if (stoppedBy?.kind === 'deleted' && !decision) {
      await local.purgeRequest({ requestId });
      return finish('deleted');
    }
    // Cancelled in the console after the report: nothing left to ask anyone.
    if (stoppedBy?.kind === 'cancelled' && !decision) return finish('cancelled');
    status.hire = decision ?? (stoppedBy?.kind === 'archived' ? await hireFromArchive(input, stoppedBy.reasonId) : undefined);
    const settled = status.hire;

    // 7. Record it, tell Lever, finish.
    enter('recording-hire-outcome');
    const outcome = settled === undefined ? 'unconfirmed' : settled.hired ? 'hired' : 'not-hired';
    await local.recordHireOutcome({ requestId, outcome, source: settled?.source ?? 'no-answer' });
    if (settled) {
      // The owner and the console are people at the company; Lever already knows what it told us.
      const byPeople = settled.source === 'owner-link' || settled.source === 'owner-reply' || settled.source === 'console';
      await lever.syncHireOutcome({
        connectionId: input.connectionId, opportunityId: input.opportunityId, marker: hireMarker(requestId),
        note: settled.hired ? `Hire confirmed (${settled.source}).` : `Not hired (${settled.source}).`,
        tags: [settled.hired ? 'refcheck: hired' : 'refcheck: not hired'],
        archiveAsHired: settled.hired && byPeople && input.hireSync === 'archive-as-hired',
      });
    }
    return finish(outcome === 'unconfirmed' ? 'hire-unconfirmed' : outcome);
  }
}
