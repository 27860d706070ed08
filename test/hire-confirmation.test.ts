import nodemailer from 'nodemailer';
import { findHireQuestion } from '../src/db/hire-questions';
import { answerHireQuestion } from '../src/hire-answers';
import { ReferenceChecks } from '../src/reference-checks';
import type { HireDecidedSignal } from '../workflows/definitions';
import { giveReferences, startCheck, stillAwaitingOwner, untilOwnerIsAsked as ownerAsked } from './helpers/journey';
import { startStack, type Stack } from './helpers/stack';

/**
 * When Lever never says "hired", the owner is asked after the hire-confirmation delay (2 s here).
 * Their click or their reply (a real SMTP delivery to refcheck's inbound listener) decides it;
 * tampered, expired and reused links change nothing and say so.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ hireConfirmationDelaySeconds: 2, hireSync: 'archive-as-hired' });
});
afterAll(() => stack.close());

const untilOwnerIsAsked = (opp: string) => ownerAsked(stack, opp);

const linksIn = (text: string) => ({
  yes: /Yes, hired:\s+(\S+)/.exec(text)![1],
  no: /No, not hired:\s+(\S+)/.exec(text)![1],
});

test("when the delay passes, then the owner is mailed, and their 'yes' click ends the run as hired and archives it in Lever as opted in", async () => {
  const opp = stack.seedCandidate('opp-click');
  const { handle, mail } = await untilOwnerIsAsked(opp);
  expect(mail.subject).toBe('Was Ada Lovelace hired?');
  expect(mail.replyTo).toMatch(/^hire\+[0-9a-f]{32}@reply\.refcheck\.test$/);
  expect(mail.text).not.toMatch(/Babbage|engine\.test/); // nothing about the referees
  const { yes } = linksIn(mail.text);

  // Opening the link only shows a confirmation: a mail scanner's prefetch must not answer.
  const page = await fetch(yes);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('Confirm: hired');
  expect((await handle.query('status')) as { step: string }).toMatchObject({ step: 'awaiting-owner-answer' });

  const confirm = await fetch(yes, { method: 'POST' });
  expect(confirm.status).toBe(200);
  expect(await confirm.text()).toContain('Recorded as hired');
  expect(await handle.result()).toMatchObject({ outcome: 'hired', hireSource: 'owner-link' });
  expect(stack.fake.archived(opp)).toMatchObject({ reason: 'reason-hired' });
  expect(stack.fake.tags(opp)).toContain('refcheck: hired');

  // The same link again: nothing changes, and the page says so.
  const again = await fetch(yes, { method: 'POST' });
  expect(again.status).toBe(409);
  expect(await again.text()).toContain('already answered');
});

test("when the owner replies 'No' by mail, then the run ends as not hired and Lever is not archived", async () => {
  const opp = stack.seedCandidate('opp-reply');
  const { handle, mail } = await untilOwnerIsAsked(opp);
  const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: stack.inboundSmtpPort, secure: false, ignoreTLS: true });
  await smtp.sendMail({
    from: 'grace@acme.test', to: mail.replyTo, subject: `Re: ${mail.subject}`, inReplyTo: mail.messageId,
    text: `No, not hired.\n\nWe went with someone else.\n\nOn Friday refcheck wrote:\n> Was Ada Lovelace hired?\n`,
  });
  expect(await handle.result()).toMatchObject({ outcome: 'not-hired', hireSource: 'owner-reply' });
  expect(stack.fake.archived(opp)).toBeNull();
  expect(stack.fake.tags(opp)).toContain('refcheck: not hired');

  // The question is settled: the yes link from the same mail now changes nothing.
  const late = await fetch(linksIn(mail.text).yes, { method: 'POST' });
  expect(late.status).toBe(409);
  smtp.close();
});

test('when a reply cannot be read, then the owner is asked politely for yes or no and the question stays open', async () => {
  const opp = stack.seedCandidate('opp-unclear');
  const { handle, mail } = await untilOwnerIsAsked(opp);
  const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: stack.inboundSmtpPort, secure: false, ignoreTLS: true });
  const before = stack.catcher.messages.length;
  await smtp.sendMail({ from: 'grace@acme.test', to: mail.replyTo, subject: 'Re', text: 'Let me check with the team.' });
  const ask = await stack.catcher.waitFor((m) => m.id > before && m.to.includes('grace@acme.test'), 10_000);
  expect(ask.subject).toBe('Re: Was Ada Lovelace hired?');
  expect(ask.text).toMatch(/reply to this mail with just "yes" or "no"/);
  await expect(smtp.sendMail({ from: 'x@acme.test', to: 'hire+000000000000000000000000@elsewhere.test', subject: 'Re', text: 'yes' })).rejects.toThrow(/no such mailbox/);
  smtp.close();
  expect((await handle.query('status')) as { step: string }).toMatchObject({ step: 'awaiting-owner-answer' });
  await handle.terminate('test done');
});

/** Temporal took the signal, but the client gave up waiting for the answer: the api cannot tell it arrived. */
class SignalTimesOutAfterDelivery extends ReferenceChecks {
  override async answerHire(workflowId: string, signal: HireDecidedSignal): Promise<never> {
    await super.answerHire(workflowId, signal);
    throw new Error('deadline exceeded');
  }
}
/** Temporal never took the signal. */
class SignalFails extends ReferenceChecks {
  override async answerHire(): Promise<never> {
    throw new Error('unavailable');
  }
}
const codeOf = (link: string) => (JSON.parse(Buffer.from(link.split('/hire/')[1].split('.')[0], 'base64url').toString()) as { sub: string }).sub;

test('when the signal for a stored answer timed out, then a later, opposite answer changes nothing: the first stored answer is final', async () => {
  const opp = stack.seedCandidate('opp-signal-timeout');
  const { handle, mail } = await untilOwnerIsAsked(opp);
  const { yes, no } = linksIn(mail.text);
  const timingOut = new SignalTimesOutAfterDelivery(stack.client, stack.config.TEMPORAL_TASK_QUEUE);
  await expect(answerHireQuestion(stack.db, timingOut, codeOf(yes), 'yes', 'owner-link')).rejects.toThrow('deadline exceeded');

  // The owner, seeing an error, clicks the other answer.
  const second = await fetch(no, { method: 'POST' });
  expect(second.status).toBe(409);
  expect(await second.text()).toContain('already answered &quot;yes&quot;');
  expect(await findHireQuestion(stack.db, codeOf(yes))).toMatchObject({ answer: 'yes', answeredVia: 'owner-link' });
  expect(await handle.result()).toMatchObject({ outcome: 'hired', hireSource: 'owner-link' });
});

test('when the signal for a stored answer failed, then the owner trying again delivers it', async () => {
  const opp = stack.seedCandidate('opp-signal-failed');
  const { handle, mail } = await untilOwnerIsAsked(opp);
  const { no } = linksIn(mail.text);
  await expect(answerHireQuestion(stack.db, new SignalFails(stack.client, stack.config.TEMPORAL_TASK_QUEUE), codeOf(no), 'no', 'owner-link')).rejects.toThrow('unavailable');
  await stillAwaiting(handle);

  const again = await fetch(no, { method: 'POST' });
  expect(again.status).toBe(200);
  expect(await again.text()).toContain('Recorded as not hired');
  expect(await handle.result()).toMatchObject({ outcome: 'not-hired', hireSource: 'owner-link' });
});

const stillAwaiting = stillAwaitingOwner;

test('when a hire link is tampered with or expired, then it changes nothing and says so', async () => {
  const opp = stack.seedCandidate('opp-tamper');
  const { handle, mail } = await untilOwnerIsAsked(opp);
  const { yes } = linksIn(mail.text);

  const [body, mac] = yes.split('/hire/')[1].split('.');
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
  const forged = Buffer.from(JSON.stringify({ ...claims, v: 'no' })).toString('base64url');
  const tampered = await fetch(`${stack.apiUrl}/hire/${forged}.${mac}`, { method: 'POST' });
  expect(tampered.status).toBe(404);
  expect(await tampered.text()).toContain('not valid');

  const expired = stack.links.sign('hire-answer', claims.sub, -1_000, 'yes');
  const late = await fetch(`${stack.apiUrl}/hire/${expired}`, { method: 'POST' });
  expect(late.status).toBe(410);
  expect(await late.text()).toContain('expired');

  const wrongPurpose = stack.links.sign('report', claims.sub, 60_000, 'yes');
  expect((await fetch(`${stack.apiUrl}/hire/${wrongPurpose}`, { method: 'POST' })).status).toBe(404);

  expect((await handle.query('status')) as { step: string }).toMatchObject({ step: 'awaiting-owner-answer' });
  await handle.terminate('test done');
});

test('when the owner never answers, then the run ends as hire-unconfirmed and Lever is left alone', async () => {
  const quick = await startStack({ hireConfirmationDelaySeconds: 1, ownerAnswerTimeoutSeconds: 1 });
  try {
    const opp = quick.seedCandidate('opp-silent');
    const { handle } = await startCheck(quick, opp);
    await giveReferences(quick, opp);
    expect(await handle.result()).toMatchObject({ outcome: 'hire-unconfirmed' });
    expect(quick.catcher.messages.filter((m) => m.to.includes('grace@acme.test'))).toHaveLength(1);
    expect(quick.fake.notes(opp)).toHaveLength(1); // the report note only
  } finally {
    await quick.close();
  }
});

test('when a check is marked hired in the console, then Lever archives the candidate as hired too (the connection opts in), and the owner is never asked', async () => {
  const opp = stack.seedCandidate('opp-console-archive');
  const before = stack.catcher.messages.length;
  const { handle } = await startCheck(stack, opp);
  expect(await stack.checks.markHired(stack.connectionId, opp, true, 'acc_console_archive')).toBe('signalled');
  await giveReferences(stack, opp);
  expect(await handle.result()).toMatchObject({ outcome: 'hired', hireSource: 'console' });
  expect(stack.fake.archived(opp)).toMatchObject({ reason: 'reason-hired' });
  expect(stack.fake.notes(opp).map((n) => n.value)).toContainEqual(expect.stringContaining('Hire confirmed (console)'));
  expect(stack.catcher.messages.slice(before).filter((m) => m.to.includes('grace@acme.test'))).toHaveLength(0);
});
