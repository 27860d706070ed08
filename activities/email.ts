import { findConnection } from '../src/db/connections';
import { openHireQuestion } from '../src/db/hire-questions';
import { findRequest } from '../src/db/requests';
import { findSentMail, recordSentMail } from '../src/db/sent-mails';
import type { Mail } from '../src/mail/mailer';
import { renderHtml, renderText } from '../src/views';
import { DAY_MS, type ActivityDeps, callingWorkflow } from './deps';

export type OwnerQuestionInput = { requestId: string; ownerName: string | null; ownerEmail: string };

/**
 * Mail, at most once per workflow step: the key (workflow id + step) is recorded after sending,
 * and a retry that finds it sends nothing. SMTP has no idempotency of its own, so a crash between
 * send and record may mail twice; the stable Message-ID lets mail clients fold the copies.
 */
export function emailActivities(deps: ActivityDeps) {
  async function sendOnce(step: string, build: () => Promise<Omit<Mail, 'messageId'>>): Promise<void> {
    const key = `${callingWorkflow().workflowId}:${step}`;
    if (await findSentMail(deps.db, key)) return;
    const messageId = `<${Buffer.from(key).toString('base64url')}@refcheck>`;
    await deps.mailer.send({ ...(await build()), messageId });
    await recordSentMail(deps.db, key, messageId);
  }

  async function loadRequest(requestId: string) {
    const request = await findRequest(deps.db, requestId);
    if (!request) throw new Error(`reference request ${requestId} not found`);
    const connection = await findConnection(deps.db, deps.box, request.connectionId);
    return { request, companyName: connection?.name ?? 'The hiring team' };
  }

  return {
    async inviteCandidate(input: { requestId: string }): Promise<void> {
      await sendOnce('candidate-invitation', async () => {
        const { request, companyName } = await loadRequest(input.requestId);
        const token = deps.links.sign('candidate', request.id, Math.max(request.deadlineAt.getTime() - Date.now(), 0) + 7 * DAY_MS);
        const data = {
          candidateName: request.candidateName, companyName, postingTitle: request.postingTitle,
          requiredReferences: request.requiredReferences, deadline: formatDate(request.deadlineAt),
          link: `${deps.settings.publicUrl}/candidate/${token}`,
        };
        return {
          to: request.candidateEmail,
          subject: `${companyName}: please name your referees`,
          text: renderText('mail/candidate-invitation.text.eta', data),
          html: renderHtml('mail/candidate-invitation.html.eta', data),
        };
      });
    },

    async askOwnerAboutHire(input: OwnerQuestionInput): Promise<void> {
      const { workflowId, runId } = callingWorkflow();
      const ttl = deps.settings.hireLinkTtlDays * DAY_MS;
      const question = await openHireQuestion(deps.db, {
        workflowId, runId, requestId: input.requestId, ownerEmail: input.ownerEmail, expiresAt: new Date(Date.now() + ttl),
      });
      await sendOnce('owner-hire-question', async () => {
        const { request } = await loadRequest(input.requestId);
        const link = (answer: 'yes' | 'no') => `${deps.settings.publicUrl}/hire/${deps.links.sign('hire-answer', question.code, ttl, answer)}`;
        const data = {
          ownerName: input.ownerName ?? 'there', candidateName: request.candidateName, postingTitle: request.postingTitle,
          completedOn: formatDate(request.concludedAt ?? new Date()), expiresOn: formatDate(question.expiresAt),
          yesLink: link('yes'), noLink: link('no'),
        };
        return {
          to: input.ownerEmail,
          replyTo: `hire+${question.code}@${deps.settings.inboundMailDomain}`,
          subject: `Was ${request.candidateName} hired?`,
          text: renderText('mail/owner-hire-question.text.eta', data),
          html: renderHtml('mail/owner-hire-question.html.eta', data),
        };
      });
    },
  };
}

const formatDate = (d: Date) => d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
