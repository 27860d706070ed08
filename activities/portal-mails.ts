import { findCompanyName } from '../src/db/connections';
import { findReferee } from '../src/db/referees';
import { findRequest } from '../src/db/requests';
import { roleTitle } from '../src/portal/labels';
import { candidateLink, refereeLink } from '../src/portal/links';
import { renderHtml, renderText } from '../src/views';
import { DAY_MS, type ActivityDeps } from './deps';
import { RecordNotFound } from './errors';
import { formatDate, mailOnce } from './mail-once';

/**
 * The portal's mails, in HTML and plain text, from the template's texts. Each mail carries what
 * its reader needs and nothing about anyone else: a referee never learns who else was named.
 */
export function portalMails(deps: ActivityDeps) {
  const sendOnce = mailOnce(deps);
  const { publicUrl } = deps.settings;

  async function context(requestId: string) {
    const request = await findRequest(deps.db, requestId);
    if (!request?.templateSnapshot) throw new RecordNotFound(`reference request ${requestId} (with its template)`);
    return { request, template: request.templateSnapshot, companyName: (await findCompanyName(deps.db, request.connectionId)) ?? 'The hiring team' };
  }

  async function refereeMail(refereeId: string, reminder: boolean) {
    const referee = await findReferee(deps.db, refereeId);
    if (!referee) throw new RecordNotFound(`referee ${refereeId}`);
    const { request, template, companyName } = await context(referee.requestId);
    const deadline = new Date((referee.invitedAt ?? new Date()).getTime() + template.deadlines.refereeSeconds * 1000);
    const data = {
      refereeName: referee.name, candidateName: request.candidateName, postingTitle: roleTitle(request), companyName,
      intro: template.mail.refereeIntro, deadline: formatDate(deadline), reminder,
      link: refereeLink(deps.links, publicUrl, referee.id, template.deadlines.refereeSeconds * 1000 + 7 * DAY_MS),
    };
    const subject = template.mail.refereeSubject ?? `${request.candidateName} named you as a reference`;
    return {
      to: referee.email,
      subject: reminder ? `Reminder: ${subject}` : subject,
      text: renderText('mail/referee-invitation.text.eta', data),
      html: renderHtml('mail/referee-invitation.html.eta', data),
    };
  }

  return {
    refereeInvitation: (refereeId: string) => sendOnce(`referee-invitation:${refereeId}`, () => refereeMail(refereeId, false)),
    /** The console asked for the invitation again: once per resend (n counts them). */
    refereeResend: (refereeId: string, n: number) => sendOnce(`referee-invitation:${refereeId}:resend-${n}`, () => refereeMail(refereeId, false)),
    refereeReminder: (refereeId: string, n: number) => sendOnce(`referee-reminder:${refereeId}:${n}`, () => refereeMail(refereeId, true)),
    candidateReminder: (requestId: string, n: number) =>
      sendOnce(`candidate-reminder:${n}`, async () => {
        const { request, template, companyName } = await context(requestId);
        const data = {
          candidateName: request.candidateName, companyName, postingTitle: roleTitle(request),
          deadline: formatDate(new Date(request.createdAt.getTime() + template.deadlines.candidateSeconds * 1000)),
          link: candidateLink(deps.links, publicUrl, request.id, Math.max(request.deadlineAt.getTime() - Date.now(), 0) + 7 * DAY_MS),
        };
        return {
          to: request.candidateEmail,
          subject: `Reminder: ${companyName} is waiting for your referees`,
          text: renderText('mail/candidate-reminder.text.eta', data),
          html: renderHtml('mail/candidate-reminder.html.eta', data),
        };
      }),
  };
}
