import { findCheckPeople } from '../src/db/checks';
import { findCompanyName } from '../src/db/connections';
import { recordEvent } from '../src/db/events';
import { openHireQuestion } from '../src/db/hire-questions';
import { findReportLink } from '../src/db/report-links';
import { findRequest } from '../src/db/requests';
import { roleTitle } from '../src/portal/labels';
import { candidateLink } from '../src/portal/links';
import { renderHtml, renderText } from '../src/views';
import { DAY_MS, type ActivityDeps, callingWorkflow } from './deps';
import { RecordNotFound } from './errors';
import { formatDate, mailOnce } from './mail-once';

export type OwnerQuestionInput = { requestId: string };

/** The candidate's invitation, the owner's hire question and the hiring manager's report link. Referee mail is in portal-mails.ts. */
export function emailActivities(deps: ActivityDeps) {
  const sendOnce = mailOnce(deps);

  async function loadRequest(requestId: string) {
    const request = await findRequest(deps.db, requestId);
    if (!request) throw new RecordNotFound(`reference request ${requestId}`);
    return { request, companyName: (await findCompanyName(deps.db, request.connectionId)) ?? 'The hiring team' };
  }

  async function candidateInvitation(requestId: string) {
    const { request, companyName } = await loadRequest(requestId);
    const texts = request.templateSnapshot?.mail ?? {};
    const nominateBy = request.templateSnapshot ? new Date(request.createdAt.getTime() + request.templateSnapshot.deadlines.candidateSeconds * 1000) : request.deadlineAt;
    const data = {
      candidateName: request.candidateName, companyName, postingTitle: roleTitle(request), intro: texts.candidateIntro,
      requiredReferences: request.requiredReferences, deadline: formatDate(nominateBy),
      link: candidateLink(deps.links, deps.settings.publicUrl, request.id, Math.max(request.deadlineAt.getTime() - Date.now(), 0) + 7 * DAY_MS),
    };
    return {
      to: request.candidateEmail,
      subject: texts.candidateSubject ?? `${companyName}: please name your referees`,
      text: renderText('mail/candidate-invitation.text.eta', data),
      html: renderHtml('mail/candidate-invitation.html.eta', data),
    };
  }

  return {
    async inviteCandidate(input: { requestId: string }): Promise<void> {
      await sendOnce('candidate-invitation', () => candidateInvitation(input.requestId));
    },

    /** The console asked for the candidate's invitation again: one mail per resend (n counts them), on the timeline once. */
    async resendCandidateInvitation(input: { requestId: string; n: number }): Promise<void> {
      const { workflowId, runId } = callingWorkflow();
      await sendOnce(`candidate-invitation:resend-${input.n}`, () => candidateInvitation(input.requestId));
      await recordEvent(deps.db, input.requestId, 'candidate-invitation-resent', null, `${workflowId}:${runId}:candidate-resend-${input.n}`);
    },

    /** The template's hiring manager gets the report link once it is published (once per run). */
    async mailHiringManager(input: { requestId: string }): Promise<void> {
      await sendOnce('hiring-manager-report', async () => {
        const { request, companyName } = await loadRequest(input.requestId);
        const manager = request.templateSnapshot?.hiringManager;
        if (!manager) return undefined;
        const reportUrl = await findReportLink(deps.db, deps.box, input.requestId);
        if (!reportUrl) throw new RecordNotFound(`the report link of request ${input.requestId}`);
        const data = {
          managerName: manager.name, candidateName: request.candidateName, postingTitle: roleTitle(request), companyName,
          reportUrl, expiresOn: formatDate(new Date(Date.now() + deps.settings.reportLinkTtlDays * DAY_MS)),
        };
        return {
          to: manager.email,
          subject: `Reference report: ${request.candidateName}`,
          text: renderText('mail/hiring-manager-report.text.eta', data),
          html: renderHtml('mail/hiring-manager-report.html.eta', data),
        };
      });
    },

    async askOwnerAboutHire(input: OwnerQuestionInput): Promise<void> {
      const { workflowId, runId } = callingWorkflow();
      // The owner as readCandidate kept them for this run: the workflow only knew there was an address.
      const owner = await findCheckPeople(deps.db, { workflowId, runId });
      if (!owner?.ownerEmail) throw new RecordNotFound("this run's owner with an email address");
      const ownerEmail = owner.ownerEmail;
      const ttl = deps.settings.hireLinkTtlDays * DAY_MS;
      const question = await openHireQuestion(deps.db, {
        workflowId, runId, requestId: input.requestId, ownerEmail, expiresAt: new Date(Date.now() + ttl),
      });
      await sendOnce('owner-hire-question', async () => {
        const { request } = await loadRequest(input.requestId);
        const link = (answer: 'yes' | 'no') => `${deps.settings.publicUrl}/hire/${deps.links.sign('hire-answer', question.code, ttl, answer)}`;
        const data = {
          ownerName: owner.ownerName ?? 'there', candidateName: request.candidateName, postingTitle: roleTitle(request),
          completedOn: formatDate(request.concludedAt ?? new Date()), expiresOn: formatDate(question.expiresAt),
          yesLink: link('yes'), noLink: link('no'),
        };
        return {
          to: ownerEmail,
          // The reply address has its own secret: the links' code (readable in every link) must not answer by mail.
          ...(question.replyCode ? { replyTo: `hire+${question.replyCode}@${deps.settings.inboundMailDomain}` } : {}),
          subject: `Was ${request.candidateName} hired?`,
          text: renderText('mail/owner-hire-question.text.eta', data),
          html: renderHtml('mail/owner-hire-question.html.eta', data),
        };
      });
    },
  };
}
