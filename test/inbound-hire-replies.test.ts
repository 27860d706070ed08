import nodemailer, { type SendMailOptions } from 'nodemailer';
import { findHireQuestion } from '../src/db/hire-questions';
import { readYesNo } from '../src/mail/reply-answer';
import { OWNER_EMAIL, stillAwaitingOwner, untilOwnerIsAsked as ownerAsked } from './helpers/journey';
import { startStack, type Stack } from './helpers/stack';

/**
 * Replies to the hire question are answers only when they carry the reply address's own secret,
 * come from the owner (and pass SPF or DKIM when the receiving MTA says), and say yes or no plainly.
 * Through the real SMTP listener and the inbound-mail webhook, which share the rules.
 */
const OWNER = OWNER_EMAIL;
const logLines: string[] = [];
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ hireConfirmationDelaySeconds: 2, logLines });
});
afterAll(() => stack.close());

const untilOwnerIsAsked = (opp: string) => ownerAsked(stack, opp);
const stillWaiting = stillAwaitingOwner;

const smtp = () => nodemailer.createTransport({ host: '127.0.0.1', port: stack.inboundSmtpPort, secure: false, ignoreTLS: true });

const postInbound = async (recipients: string[], raw: string) => {
  const res = await fetch(`${stack.apiUrl}/inbound/mail`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.config.INBOUND_MAIL_SECRET}` },
    body: JSON.stringify({ recipients, raw }),
  });
  return { status: res.status, body: (await res.json()) as { accepted: boolean; outcome: string } };
};
const rawMail = (from: string, to: string, text: string, headers: string[] = []) =>
  [...headers, `From: ${from}`, `To: ${to}`, 'Subject: Re: Was Ada Lovelace hired?', 'Content-Type: text/plain; charset=utf-8', '', text, ''].join('\r\n');

test('when the first line of a reply is read, then only a plain yes or no is an answer', () => {
  for (const yes of ['yes', 'Yes.', 'yes, hired', 'Yes - hired!', 'YES we hired her', 'Hired', 'y']) expect(`${yes} -> ${readYesNo(yes)}`).toBe(`${yes} -> yes`);
  for (const no of ['no', 'No.', 'no, not hired', 'Not hired', 'Nope, not hired', 'no, they weren\'t hired']) expect(`${no} -> ${readYesNo(no)}`).toBe(`${no} -> no`);
  for (const unclear of ['No idea', 'N/A', 'n/a', 'Yes, but he declined', 'maybe', 'Not yet', 'No, we went with someone else', 'yes no', 'Let me check', 'No, we did hire them', 'No, hired', 'not']) {
    expect(`${unclear} -> ${readYesNo(unclear)}`).toBe(`${unclear} -> undefined`);
  }
  // Only the reply above the quoted mail counts.
  expect(readYesNo('\n\nOn Fri, 1 Mar 2024, refcheck <refcheck@example.com>\nwrote:\nyes\n')).toBeUndefined();
  expect(readYesNo('> yes\n>\nno thanks\n')).toBe('no');
  expect(readYesNo('-----Original Message-----\nFrom: refcheck\nYes, hired\n')).toBeUndefined();
});

test('when replies come from someone else, fail SPF and DKIM, use a link\'s code, or are unclear, then nothing is recorded; the owner\'s plain "yes" is', async () => {
  const opp = stack.seedCandidate('opp-reply-rules');
  const { handle, mail, code } = await untilOwnerIsAsked(opp);
  const replyTo = mail.replyTo!;
  expect(replyTo).toMatch(/^hire\+[0-9a-f]{32}@reply\.refcheck\.test$/);
  // The reply address's secret appears in no link.
  expect(mail.text).not.toContain(replyTo.slice(5, 37));
  expect(mail.html).not.toContain(replyTo.slice(5, 37));
  const transport = smtp();
  const reply = (from: string, text: string, extra: Partial<SendMailOptions> = {}) =>
    transport.sendMail({ from, to: replyTo, subject: `Re: ${mail.subject}`, inReplyTo: mail.messageId, text, ...extra });

  // Someone who saw the mail (a forward, a scanner) answers from their own address.
  await expect(reply('mallory@elsewhere.test', 'yes')).rejects.toMatchObject({ responseCode: 550 });
  // The owner's address, but the receiving MTA found neither SPF nor DKIM passing for it.
  await expect(reply(OWNER, 'yes', {
    headers: { 'Authentication-Results': 'mx.refcheck.test; spf=fail smtp.mailfrom=acme.test; dkim=fail header.d=acme.test' },
  })).rejects.toMatchObject({ responseCode: 550 });
  // The code every hire link carries, used as a reply address.
  await expect(transport.sendMail({ from: OWNER, to: `hire+${JSON.parse(Buffer.from(code, 'base64url').toString()).sub}@reply.refcheck.test`, subject: 'Re', text: 'yes' }))
    .rejects.toMatchObject({ responseCode: 550 });
  await stillWaiting(handle);
  expect((await findHireQuestion(stack.db, JSON.parse(Buffer.from(code, 'base64url').toString()).sub))!.answeredAt).toBeNull();

  // Unclear answers from the owner: a polite request for yes or no each time, nothing recorded.
  for (const unclear of ['No idea', 'Yes, but he declined']) {
    const before = stack.catcher.messages.length;
    await reply(OWNER, `${unclear}\n\nOn Friday refcheck wrote:\n> Was Ada Lovelace hired?\n`);
    const ask = await stack.catcher.waitFor((m) => m.id > before && m.to.includes(OWNER), 10_000);
    expect(ask.text).toContain('"yes" or "no"');
    expect(ask.text).toContain('nothing was recorded');
    expect(ask.replyTo).toBe(replyTo);
    await stillWaiting(handle);
  }

  // The refusals are logged, without the addresses, the codes or the text.
  const refused = logLines.filter((l) => l.includes('hire reply refused'));
  expect(refused.length).toBeGreaterThanOrEqual(2); // the link's code was refused at RCPT, before any log
  expect(refused.join('\n')).toMatch(/sender-refused/);
  expect(logLines.filter((l) => l.includes('hire reply')).join('\n')).not.toMatch(/@|mallory|grace|No idea|declined|[0-9a-f]{24}/);

  // The owner, from their address (case aside), with SPF passing: recorded.
  await reply(OWNER.toUpperCase(), 'Yes, hired', { headers: { 'Authentication-Results': 'mx.refcheck.test; spf=pass smtp.mailfrom=acme.test; dkim=none' } });
  expect(await handle.result()).toMatchObject({ outcome: 'hired', hireSource: 'owner-reply' });
  transport.close();
});

test('when the inbound-mail webhook posts a forged or unclear reply, then nothing is recorded; the owner\'s DKIM-signed "no" is', async () => {
  const opp = stack.seedCandidate('opp-reply-webhook');
  const { handle, mail } = await untilOwnerIsAsked(opp);
  const replyTo = mail.replyTo!;

  expect(await postInbound([replyTo], rawMail('mallory@elsewhere.test', replyTo, 'no'))).toMatchObject({ status: 403, body: { accepted: false, outcome: 'sender-refused' } });
  expect(await postInbound([replyTo], rawMail(OWNER, replyTo, 'no', ['Authentication-Results: mx.refcheck.test; spf=fail smtp.mailfrom=acme.test; dkim=fail header.d=acme.test'])))
    .toMatchObject({ status: 403, body: { outcome: 'sender-refused' } });
  // A pass for some other domain is not a pass for the owner's.
  expect(await postInbound([replyTo], rawMail(OWNER, replyTo, 'no', ['Authentication-Results: mx.refcheck.test; dkim=pass header.d=elsewhere.test'])))
    .toMatchObject({ status: 403, body: { outcome: 'sender-refused' } });
  expect(await postInbound(['hire+000000000000000000000000@reply.refcheck.test'], rawMail(OWNER, replyTo, 'no'))).toMatchObject({ status: 404, body: { outcome: 'no-such-address' } });
  expect(await postInbound([replyTo], rawMail(OWNER, replyTo, 'N/A'))).toMatchObject({ status: 200, body: { outcome: 'asked-again' } });
  await stillWaiting(handle);

  expect(await postInbound([replyTo], rawMail(OWNER, replyTo, 'No, not hired.', ['Authentication-Results: mx.refcheck.test; spf=softfail smtp.mailfrom=acme.test; dkim=pass header.d=acme.test'])))
    .toMatchObject({ status: 200, body: { accepted: true, outcome: 'recorded' } });
  expect(await handle.result()).toMatchObject({ outcome: 'not-hired', hireSource: 'owner-reply' });
});
