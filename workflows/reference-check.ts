import { patched, setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { CandidateSnapshot } from '../activities/lever';
import { lever, local } from './activities';
import { collectReferences, type PortalInbox } from './collect-references';
import {
  candidateNominated, candidateStopped, hireDecided, refereeReplaced, requestCompleted, statusQuery, StatusKey,
  type HireDecidedSignal, type Outcome, type ReferenceCheckInput, type ReferenceCheckResult,
  type ReferenceCheckStatus, type RequestCompletedSignal, type Step, type StopSignal,
} from './definitions';
import { awaitHireOutcome } from './hire-outcome';
import { awaitCompletionSignal } from './legacy-completion';
import { hireFromArchive, stopCollecting } from './stop';
import { hireMarker, noTemplateMarker, reportMarker } from './summary';

/**
 * One candidate's reference check, from Lever's stage change to the hire outcome.
 * Durations come from the input, so tests run this same code in seconds.
 */
export async function referenceCheck(input: ReferenceCheckInput): Promise<ReferenceCheckResult> {
  const startedAt = new Date(workflowInfo().startTime).toISOString();
  const status: ReferenceCheckStatus = { step: 'confirming-trigger' };
  let completion: RequestCompletedSignal | undefined;
  const inbox: PortalInbox = { replacements: [] };
  let hire: HireDecidedSignal | undefined;
  let stop: StopSignal | undefined;
  let who = '';

  // Handlers first, before any await, so no early signal is lost.
  setHandler(statusQuery, () => status);
  setHandler(requestCompleted, (s) => {
    if (!completion && s.requestId === status.requestId) completion = s;
  });
  setHandler(candidateNominated, (s) => {
    if (s.requestId === status.requestId) inbox.nominated ??= s;
  });
  setHandler(refereeReplaced, (s) => {
    if (s.requestId === status.requestId) inbox.replacements.push(s);
  });
  setHandler(candidateStopped, (s) => {
    stop ??= s;
  });
  setHandler(hireDecided, (s) => {
    hire ??= s; // the first answer stands
  });

  const enter = (step: Step, waitingFor?: string) => {
    status.step = step;
    upsertSearchAttributes([{ key: StatusKey, value: step }]);
    setCurrentDetails([who, `**Step:** ${step}`, waitingFor ? `**Waiting for:** ${waitingFor}` : ''].filter(Boolean).join('\n\n'));
  };
  const finish = (outcome: Outcome): ReferenceCheckResult => {
    status.outcome = outcome;
    enter('done');
    upsertSearchAttributes([{ key: StatusKey, value: outcome }]);
    return {
      outcome, requestId: status.requestId, requestStatus: status.requestStatus === 'open' ? undefined : status.requestStatus,
      responsesReceived: status.responsesReceived ?? 0, requiredReferences: status.requiredReferences, reportUrl: status.reportUrl,
      hireSource: status.hire?.source, startedAt, finishedAt: new Date().toISOString(),
    };
  };

  // 1. Confirm the trigger: the webhook is a hint, Lever is the truth.
  enter('confirming-trigger', 'Lever: reading the opportunity');
  const candidate: CandidateSnapshot = await lever.readCandidate(input);
  who = `**Candidate:** ${candidate.candidateName}${candidate.postingTitle ? ` · **Job:** ${candidate.postingTitle}` : ''}`;
  if (!candidate.inTriggerStage) return finish('stale-trigger');

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

  // 3-4. The candidate names referees and each referee answers; runs started before the portal
  // existed wait for the completion API instead, and must replay unchanged.
  let summary: string;
  if (patched('reference-portal') && plan) {
    const collected = await collectReferences({ requestId, plan, inbox, stopped: () => stop !== undefined, enter });
    Object.assign(status, { requestStatus: collected.requestStatus, responsesReceived: collected.answered });
    if (stop) return finish(await stopCollecting(input, requestId, stop));
    summary = (await local.concludePortalRequest({ requestId, status: collected.requestStatus })).summary;
  } else {
    const collected = await awaitCompletionSignal({
      requestId, templateName: template.name, deadlineSeconds: template.deadlineSeconds, requiredReferences: template.requiredReferences,
      completion: () => completion, enter,
    });
    Object.assign(status, { requestStatus: collected.requestStatus, responsesReceived: collected.answered });
    summary = collected.summary;
  }

  // 5. Publish: the report link and a one-line note, each exactly once.
  enter('publishing-report', 'Lever: adding the report link and note');
  status.reportUrl = await local.createReportLink({ requestId });
  await lever.publishReport({
    connectionId: input.connectionId, opportunityId: input.opportunityId, reportUrl: status.reportUrl,
    marker: reportMarker(requestId), note: `${summary}. Report: ${status.reportUrl}`,
  });

  // 6. The hire outcome: Lever's webhook, or the owner's answer once the delay has passed.
  enter('awaiting-hire-outcome', `Lever's Candidate Hired webhook, or ${input.hireConfirmationDelaySeconds}s before asking the owner`);
  const decision = await awaitHireOutcome({
    delaySeconds: input.hireConfirmationDelaySeconds, ownerAnswerTimeoutSeconds: input.ownerAnswerTimeoutSeconds,
    owner: { name: candidate.ownerName, email: candidate.ownerEmail }, requestId,
    decision: () => hire,
    stopped: () => stop !== undefined,
    onAskingOwner: () => enter('awaiting-owner-answer', "the owner's yes/no (link or reply)"),
  });
  if (stop?.kind === 'deleted' && !decision) {
    await local.purgeRequest({ requestId });
    return finish('deleted');
  }
  status.hire = decision ?? (stop?.kind === 'archived' ? await hireFromArchive(input, stop.reasonId) : undefined);
  const settled = status.hire;

  // 7. Record it, tell Lever, finish.
  enter('recording-hire-outcome');
  const outcome = settled === undefined ? 'unconfirmed' : settled.hired ? 'hired' : 'not-hired';
  await local.recordHireOutcome({ requestId, outcome, source: settled?.source ?? 'no-answer' });
  if (settled) {
    await lever.syncHireOutcome({
      connectionId: input.connectionId, opportunityId: input.opportunityId, marker: hireMarker(requestId),
      note: settled.hired ? `Hire confirmed (${settled.source}).` : `Not hired (${settled.source}).`,
      tags: [settled.hired ? 'refcheck: hired' : 'refcheck: not hired'],
      // Lever already knows what it told us; archive only a hire the owner confirmed.
      archiveAsHired: settled.hired && settled.source.startsWith('owner') && input.hireSync === 'archive-as-hired',
    });
  }
  return finish(outcome === 'unconfirmed' ? 'hire-unconfirmed' : outcome);
}
