import { simpleParser } from 'mailparser';
import { answerHireQuestion, readYesNo, type HireAnswerResult } from '../hire-answers';
import type { Db } from '../db/pool';
import type { ReferenceChecks } from '../reference-checks';

export type InboundResult = { accepted: boolean; reason: string; result?: HireAnswerResult['kind'] };

/** hire+<code>@<domain>: the code is the secret that ties a reply to its question. */
export function hireCodeOf(address: string, domain: string): string | undefined {
  const m = /^hire\+([0-9a-f]{24})@(.+)$/i.exec(address.trim());
  return m && m[2].toLowerCase() === domain.toLowerCase() ? m[1].toLowerCase() : undefined;
}

/**
 * A reply to the hire-confirmation mail, however it arrived (our SMTP listener or a mail
 * provider's inbound webhook): find the question from the recipient, read yes/no, answer it.
 */
export async function handleHireReply(
  deps: { db: Db; checks: ReferenceChecks; inboundMailDomain: string },
  mail: { recipients: string[]; raw: Buffer | string },
): Promise<InboundResult> {
  const code = mail.recipients.map((r) => hireCodeOf(r, deps.inboundMailDomain)).find(Boolean);
  if (!code) return { accepted: false, reason: 'not addressed to a hire-confirmation reply address' };
  const parsed = await simpleParser(mail.raw);
  const answer = readYesNo(parsed.text ?? '');
  if (!answer) return { accepted: false, reason: 'could not read "yes" or "no" on the first line of the reply' };
  const result = await answerHireQuestion(deps.db, deps.checks, code, answer, 'owner-reply');
  const reasons: Record<HireAnswerResult['kind'], string> = {
    recorded: `recorded "${answer}"`,
    'already-answered': 'this question was already answered; nothing was changed',
    expired: 'this question has expired; nothing was changed',
    closed: 'this reference check has already finished; nothing was changed',
    unknown: 'no such question',
  };
  return { accepted: result.kind === 'recorded', reason: reasons[result.kind], result: result.kind };
}
