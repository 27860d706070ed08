import { simpleParser } from 'mailparser';
import { countUnclearReply, findHireQuestionByReplyCode, type HireQuestion } from '../db/hire-questions';
import type { Db } from '../db/pool';
import { findRequest } from '../db/requests';
import { answerHireQuestion } from '../hire-answers';
import type { Logger } from '../logger';
import type { ReferenceChecks } from '../reference-checks';
import { renderHtml, renderText } from '../views';
import type { Mailer } from './mailer';
import { readYesNo } from './reply-answer';
import { judgeSender } from './reply-sender';

export type InboundDeps = { db: Db; checks: ReferenceChecks; mailer: Mailer; inboundMailDomain: string; logger: Logger };

export type InboundOutcome = 'recorded' | 'asked-again' | 'already-answered' | 'expired' | 'closed' | 'no-such-address' | 'sender-refused';
/** accepted: the message is taken (SMTP 250); otherwise it is refused with the reason (SMTP 550). */
export type InboundResult = { outcome: InboundOutcome; accepted: boolean; reason: string };

/** An owner who keeps sending unreadable replies is asked again this many times, no more. */
const MAX_ASKS = 3;

/** hire+<reply code>@<domain>. The reply code is 32 hex digits; the hire links' 24-digit code never fits. */
export function replyCodeOf(address: string, domain: string): string | undefined {
  const m = /^hire\+([0-9a-f]{32})@(.+)$/i.exec(address.trim());
  return m && m[2].toLowerCase() === domain.toLowerCase() ? m[1].toLowerCase() : undefined;
}

/**
 * A reply to the hire question, however it arrived (our SMTP listener or a mail provider's inbound
 * webhook). It counts only when it is addressed with the question's reply code, comes from the
 * question's owner, and says yes or no plainly; an unclear reply gets a polite request for yes or
 * no and changes nothing. Logged with ids and outcomes only: no addresses, no codes, no text.
 */
export async function handleHireReply(deps: InboundDeps, mail: { recipients: string[]; raw: Buffer | string }, via: 'smtp' | 'http'): Promise<InboundResult> {
  const replyCode = mail.recipients.map((r) => replyCodeOf(r, deps.inboundMailDomain)).find(Boolean);
  const question = replyCode ? await findHireQuestionByReplyCode(deps.db, replyCode) : undefined;
  const log = (result: InboundResult, detail: object = {}) => {
    const line = { via, requestId: question?.requestId, outcome: result.outcome, ...detail };
    if (result.outcome === 'sender-refused' || result.outcome === 'no-such-address') deps.logger.warn(line, 'hire reply refused');
    else deps.logger.info(line, 'hire reply');
    return result;
  };
  if (!question) return log({ outcome: 'no-such-address', accepted: false, reason: 'no such mailbox' });

  const parsed = await simpleParser(mail.raw);
  const sender = judgeSender(parsed, question.ownerEmail);
  if (sender !== 'owner') {
    return log({ outcome: 'sender-refused', accepted: false, reason: 'replies to this address are accepted only from the person it was sent to' }, { sender });
  }

  const answer = readYesNo(parsed.text ?? '');
  if (!answer) {
    if (question.answeredAt) return log(alreadyAnswered(question.answer));
    if (question.expiresAt.getTime() < Date.now()) return log(settled.expired);
    await askForYesOrNo(deps, question);
    return log({ outcome: 'asked-again', accepted: true, reason: 'no plain "yes" or "no" on the first line; nothing was recorded and the owner was asked again' });
  }
  const result = await answerHireQuestion(deps.db, deps.checks, question.code, answer, 'owner-reply');
  switch (result.kind) {
    case 'recorded': return log({ outcome: 'recorded', accepted: true, reason: `recorded "${result.answer}"` });
    case 'already-answered': return log(alreadyAnswered(result.answer));
    case 'expired': return log(settled.expired);
    case 'closed': return log(settled.closed);
    case 'unknown': return log({ outcome: 'no-such-address', accepted: false, reason: 'no such mailbox' });
  }
}

const alreadyAnswered = (answer: string | null): InboundResult => ({
  outcome: 'already-answered', accepted: false, reason: `this question was already answered${answer ? ` "${answer}"` : ''}; nothing was changed`,
});
const settled = {
  expired: { outcome: 'expired', accepted: false, reason: 'this question has expired; nothing was changed' },
  closed: { outcome: 'closed', accepted: false, reason: 'this reference check has already finished; nothing was changed' },
} satisfies Record<string, InboundResult>;

/** To the owner's stored address (never the reply's From), with the same reply address, at most MAX_ASKS times. */
async function askForYesOrNo(deps: InboundDeps, question: HireQuestion) {
  const n = await countUnclearReply(deps.db, question.code);
  if (n > MAX_ASKS) return;
  const request = await findRequest(deps.db, question.requestId);
  const candidateName = request?.candidateName ?? 'the candidate';
  const data = { candidateName, expiresOn: question.expiresAt.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }) };
  await deps.mailer.send({
    to: question.ownerEmail,
    replyTo: `hire+${question.replyCode}@${deps.inboundMailDomain}`,
    subject: `Re: Was ${candidateName} hired?`,
    text: renderText('mail/owner-hire-unclear.text.eta', data),
    html: renderHtml('mail/owner-hire-unclear.html.eta', data),
    messageId: `<${Buffer.from(`${question.requestId}:hire-unclear:${n}`).toString('base64url')}@refcheck>`,
  });
}
