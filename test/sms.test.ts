import type { Payload } from '@temporalio/common';
import { payloadCodec } from '../src/temporal';
import { candidateEmail, startStack, type Stack } from './helpers/stack';
import { consoleUser, textOf } from './helpers/console';
import { handleFor, linkIn, startCheck, until, waitForStatus } from './helpers/journey';
import { Visitor } from './helpers/portal';
import { loadConfig } from '../src/config';
import { strongSecrets } from './helpers/secrets';

/**
 * Text messages beside the mails: the template turns them on, the candidate's phone comes from
 * Lever and the referees' from the candidate; the real Twilio adapter talks to the SMS catcher,
 * which speaks Twilio's API. Quiet hours, the reminder cap and exactly-once apply as to mail.
 */
const CANDIDATE_PHONE = '+1 415 555 2671';
const CANDIDATE_E164 = '+14155552671';
const REFEREE_PHONE = '(415) 555-0100'; // no country code: the template's default country (US) reads it
const REFEREE_E164 = '+14155550100';

const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

function seedWithPhone(stack: Stack, id: string, phones = [{ value: CANDIDATE_PHONE, type: 'mobile' }]) {
  stack.seedCandidate(id);
  const opp = stack.fake.store.opportunity(id);
  opp.phones = phones.map((p) => ({ value: p.value, type: p.type }));
  return id;
}

/** The candidate names two referees, one with a phone, through the link in their invitation mail. */
async function nominate(stack: Stack, opportunityId: string) {
  const invitation = await stack.catcher.waitFor((m) => m.to.includes(candidateEmail(opportunityId)) && Boolean(linkIn(m.text, 'candidate')));
  const candidate = new Visitor('');
  const page = linkIn(invitation.text, 'candidate')!;
  await candidate.get(page);
  const res = await candidate.post(page, {
    consent: 'yes',
    r0_name: 'Charles Babbage', r0_email: `charles.${opportunityId}@engine.test`, r0_relationship: 'manager', r0_phone: REFEREE_PHONE, r0_company: 'Engines', r0_title: 'Engineer', r0_worked: '1833',
    r1_name: 'Mary Somerville', r1_email: `mary.${opportunityId}@engine.test`, r1_relationship: 'peer', r1_company: 'Engines', r1_title: 'Engineer', r1_worked: '1834',
  }, {}, '/nominate');
  expect(res.status).toBe(303);
}

describe('text messages', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      templateSettings: {
        sms: { enabled: true, defaultCountry: 'US' },
        reminders: { intervalSeconds: 2, maxCount: 2, quietHours: null },
        deadlines: { candidateSeconds: 3600, refereeSeconds: 3600 },
      },
    });
  });
  afterAll(() => stack?.close());

  test('the candidate and a referee with a phone get each invitation and reminder by text too, up to the cap; a referee without one gets mail only', async () => {
    const id = seedWithPhone(stack, 'opp-sms-journey');
    const { handle } = await startCheck(stack, id);
    const invitation = await stack.sms.waitFor((t) => t.to === CANDIDATE_E164 && !t.body.startsWith('Reminder'));
    expect(invitation.body).toContain('Acme Test: please name your referees for the Staff Engineer role.');
    // The text's link opens the candidate's page, like the mail's.
    const page = await new Visitor('').get(linkIn(invitation.body, 'candidate')!);
    expect(page.status).toBe(200);

    await nominate(stack, id);
    const refereeText = await stack.sms.waitFor((t) => t.to === REFEREE_E164 && !t.body.startsWith('Reminder'));
    expect(refereeText.body).toContain('Ada Lovelace named you as a reference for Acme Test.');
    expect(linkIn(refereeText.body, 'referee')).toBeDefined();

    // Reminders every 2 s, at most 2: two reminder texts to the referee with a phone, then no more.
    await until('two reminder texts', () => stack.sms.texts.filter((t) => t.to === REFEREE_E164 && t.body.startsWith('Reminder')).length === 2, 30_000);
    await new Promise((r) => setTimeout(r, 5_000));
    expect(stack.sms.texts.filter((t) => t.to === REFEREE_E164 && t.body.startsWith('Reminder'))).toHaveLength(2);
    expect(stack.sms.texts.filter((t) => t.to === REFEREE_E164)).toHaveLength(3);

    // Support sees every text on the check's page, and why Mary got none.
    const admin = await consoleUser(stack);
    const html = textOf((await admin.get(`/console/checks/${stack.connectionId}/${id}`)).html);
    expect(html).toMatch(/Text messages/);
    expect(html).toMatch(/Charles Babbage invitation sent/);
    expect(html).toMatch(/Mary Somerville invitation skipped no phone number/);
    expect(html).toMatch(/Ada Lovelace invitation sent/);
    await handle.cancel();
  });

  test('a provider that takes a text but loses its answer still delivers it once: the retry finds it instead of sending again', async () => {
    const id = seedWithPhone(stack, 'opp-sms-lost-answer', [{ value: '+1 415 555 2672', type: 'mobile' }]);
    stack.sms.failAfterAccepting(1);
    const { handle } = await startCheck(stack, id);
    await until('the text recorded as sent', async () => {
      const [row] = await stack.db.query<{ status: string }>("select status from sent_texts where kind = 'candidate-invitation' and idempotency_key like $1", [`%${id}%`]);
      return row?.status === 'sent';
    });
    expect(stack.sms.texts.filter((t) => t.to === '+14155552672')).toHaveLength(1);
    // The message itself is not kept once sent: only the provider's id.
    const [row] = await stack.db.query<{ sealed_message: string | null; provider_message_id: string }>(
      "select sealed_message, provider_message_id from sent_texts where kind = 'candidate-invitation' and idempotency_key like $1", [`%${id}%`]);
    expect(row.sealed_message).toBeNull();
    expect(row.provider_message_id).toMatch(/^SM[0-9a-f]{32}$/);
    await handle.cancel();
  });

  test('a number that replied STOP is recorded as refused and the check goes on by mail', async () => {
    const id = seedWithPhone(stack, 'opp-sms-stopped', [{ value: '+1 415 555 2673', type: 'mobile' }]);
    stack.sms.refuse('+14155552673', 21610);
    const { handle } = await startCheck(stack, id);
    await until('the refusal recorded', async () => {
      const [row] = await stack.db.query<{ status: string; reason: string }>("select status, reason from sent_texts where idempotency_key like $1", [`%${id}%`]);
      return row?.status === 'failed' && row.reason;
    });
    expect(stack.sms.texts.filter((t) => t.to === '+14155552673')).toHaveLength(0);
    expect((await waitForStatus(handle, () => true)).step).toBe('awaiting-nominations');
    const admin = await consoleUser(stack);
    expect(textOf((await admin.get(`/console/checks/${stack.connectionId}/${id}`)).html)).toMatch(/failed the recipient has replied STOP/);
    await handle.cancel();
  });
});

describe('text messages and quiet hours', () => {
  let stack: Stack;
  beforeAll(async () => {
    // Quiet now, for another hour, in UTC.
    stack = await startStack({
      templateSettings: {
        sms: { enabled: true, defaultCountry: 'US' },
        reminders: { intervalSeconds: 3600, maxCount: 1, quietHours: { start: hhmm(Date.now() - 3_600_000), end: hhmm(Date.now() + 3_600_000), timeZone: 'UTC' } },
      },
    });
  });
  afterAll(() => stack?.close());

  test('an invitation in quiet hours is mailed at once and texted when they end; acting first drops the text', async () => {
    const id = seedWithPhone(stack, 'opp-sms-quiet');
    const { handle } = await startCheck(stack, id);
    await stack.catcher.waitFor((m) => m.to.includes(candidateEmail(id)));
    // The text waits on a timer support can read in the Temporal UI.
    await until('the quiet-hours timer', async () => {
      const { events } = await handle.fetchHistory();
      const summaries = (events ?? []).filter((e) => e.timerStartedEventAttributes && e.userMetadata?.summary).map((e) => e.userMetadata!.summary!);
      const decoded = await payloadCodec(stack.config).decode(summaries as Payload[]);
      return decoded.some((p) => Buffer.from(p.data ?? new Uint8Array()).toString().includes('invitation text after quiet hours'));
    });
    await nominate(stack, id);
    await waitForStatus(handleFor(stack, id), (s) => s.step === 'awaiting-referees');
    await stack.catcher.waitFor((m) => m.to.includes(`charles.${id}@engine.test`));
    await new Promise((r) => setTimeout(r, 2_000));
    // Nobody was texted at night: the candidate acted first, the referee's text waits for the morning.
    expect(stack.sms.texts).toHaveLength(0);
    const rows = await stack.db.query<{ kind: string }>('select kind from sent_texts where idempotency_key like $1', [`%${id}%`]);
    expect(rows).toEqual([]);
    await handle.cancel();
  });
});

describe('the SMS provider setting', () => {
  const base = {
    DATABASE_URL: 'postgres://x@localhost/x', ...strongSecrets(),
  };

  test('Twilio without credentials or a sender is refused at start, naming each variable and never a value', () => {
    expect(() => loadConfig({ ...base, SMS_PROVIDER: 'twilio' })).toThrow(/TWILIO_ACCOUNT_SID: required when SMS_PROVIDER=twilio[\s\S]*TWILIO_AUTH_TOKEN: required[\s\S]*SMS_FROM: SMS_FROM or TWILIO_MESSAGING_SERVICE_SID/);
    expect(() => loadConfig({ ...base, SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 'secret-token-value', SMS_FROM: '555-0100' }))
      .toThrow(/SMS_FROM: an E.164 number/);
    expect(loadConfig(base).SMS_PROVIDER).toBe('none');
  });
});
