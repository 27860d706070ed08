import { listEvents } from '../src/db/events';
import { listReferees } from '../src/db/referees';
import { refereeWorkflowId } from '../workflows/definitions';
import { checkAwaitingHire, refereesOf, startCheck, until, waitForStatus } from './helpers/journey';
import { candidateEmail, startStack } from './helpers/stack';

/**
 * Reminders and deadlines with durations of seconds: the same workflow code that waits days in
 * production. Caps and quiet hours hold; a deadline concludes the request with what came in.
 */
const hhmm = (d: Date) => d.toISOString().slice(11, 16);

test('when one referee answers and the other stays silent, then the silent one is reminded exactly up to the cap, expires, and the request closes with 1 of 2', async () => {
  const stack = await startStack({
    templateSettings: {
      referees: [{ relationship: 'any', required: 2, optional: 0 }],
      reminders: { intervalSeconds: 1, maxCount: 2, quietHours: null },
      deadlines: { candidateSeconds: 60, refereeSeconds: 5 },
    },
  });
  try {
    const opp = stack.seedCandidate('opp-silent-referee');
    const { handle, requestId, status } = await checkAwaitingHire(stack, opp, { answer: 1 });
    expect(status).toMatchObject({ requestStatus: 'expired', responsesReceived: 1 });

    const silent = refereesOf(opp)[1];
    const toSilent = stack.catcher.messages.filter((m) => m.to.includes(silent.email));
    expect(toSilent.map((m) => m.subject.startsWith('Reminder:'))).toEqual([false, true, true]);
    const referees = await listReferees(stack.db, requestId);
    expect(referees.map((r) => [r.email, r.status, r.remindersSent])).toEqual([[refereesOf(opp)[0].email, 'answered', 0], [silent.email, 'expired', 2]]);
    const child = await stack.client.workflow.getHandle(refereeWorkflowId(referees[1].id)).result();
    expect(child).toMatchObject({ outcome: 'expired', remindersSent: 2 });

    await until('the note', () => stack.fake.notes(opp).length === 1);
    expect(stack.fake.notes(opp)[0].value).toMatch(/^Reference check closed at its deadline: 1 of 2 references, average 4\.7\/5/);
    expect((await listEvents(stack.db, requestId)).map((e) => e.kind)).toEqual(expect.arrayContaining(['referee-reminded', 'referee-expired', 'referee-answered', 'concluded']));
    await handle.terminate('test done');
  } finally {
    await stack.close();
  }
}, 60_000);

test('when reminders fall inside quiet hours, then none is sent, and the candidate deadline closes the request with nothing', async () => {
  const now = new Date();
  const stack = await startStack({
    templateSettings: {
      reminders: { intervalSeconds: 1, maxCount: 3, quietHours: { start: hhmm(new Date(now.getTime() - 2 * 3_600_000)), end: hhmm(new Date(now.getTime() + 2 * 3_600_000)), timeZone: 'UTC' } },
      deadlines: { candidateSeconds: 4, refereeSeconds: 60 },
    },
  });
  try {
    const opp = stack.seedCandidate('opp-quiet');
    const { handle, requestId } = await startCheck(stack, opp);
    const status = await waitForStatus(handle, (s) => s.step === 'awaiting-hire-outcome', 30_000);
    expect(status).toMatchObject({ requestStatus: 'expired', responsesReceived: 0 });
    expect(stack.catcher.messages.filter((m) => m.to.includes(candidateEmail(opp))).map((m) => m.subject)).toEqual(['Acme Test: please name your referees']);
    expect((await listEvents(stack.db, requestId)).map((e) => e.kind)).toEqual(['opened', 'candidate-expired', 'concluded']);
    await until('the note', () => stack.fake.notes(opp).length === 1);
    expect(stack.fake.notes(opp)[0].value).toMatch(/^Reference check closed at its deadline: 0 of 2 references\./);
    await handle.terminate('test done');
  } finally {
    await stack.close();
  }
}, 60_000);

test('when the candidate is slow, then they are reminded on the cadence, up to the cap', async () => {
  const stack = await startStack({
    templateSettings: { reminders: { intervalSeconds: 1, maxCount: 2, quietHours: null }, deadlines: { candidateSeconds: 4, refereeSeconds: 60 } },
  });
  try {
    const opp = stack.seedCandidate('opp-slow-candidate');
    const { handle } = await startCheck(stack, opp);
    await waitForStatus(handle, (s) => s.step === 'awaiting-hire-outcome', 30_000);
    const subjects = stack.catcher.messages.filter((m) => m.to.includes(candidateEmail(opp))).map((m) => m.subject);
    expect(subjects).toEqual(['Acme Test: please name your referees', 'Reminder: Acme Test is waiting for your referees', 'Reminder: Acme Test is waiting for your referees']);
    await handle.terminate('test done');
  } finally {
    await stack.close();
  }
}, 60_000);
