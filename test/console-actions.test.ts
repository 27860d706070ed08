import { listEvents } from '../src/db/events';
import { listReferees } from '../src/db/referees';
import { findRequest } from '../src/db/requests';
import { refereeWorkflowId } from '../workflows/definitions';
import { giveReferences, handleFor, linkIn, refereesOf, startCheck, until, waitForStatus } from './helpers/journey';
import { candidateEmail, startStack, TRIGGER_STAGE, type Stack } from './helpers/stack';

/**
 * What the console asks of a check, through ReferenceChecks as the console calls it, on real
 * parts: a manual start, cancel, restart, mark hired, resends, and the template's position and
 * hiring manager; and the `checks` row the console lists, as the workflow's activities write it.
 */
let stack: Stack;
const HIRING_MANAGER = { name: 'Hedy Lamarr', email: 'hedy@acme.test' };
beforeAll(async () => {
  stack = await startStack({
    hireConfirmationDelaySeconds: 3600,
    templateSettings: { position: 'Principal Engineer', hiringManager: HIRING_MANAGER, reminders: { intervalSeconds: 3600, maxCount: 0, quietHours: null } },
  });
});
afterAll(() => stack.close());

const ACCOUNT = 'acc_console1';
const settings = () => ({ id: stack.connectionId, triggerStageId: TRIGGER_STAGE, hireConfirmationDelaySeconds: 3600, ownerAnswerTimeoutSeconds: 3600, hireSync: 'note-and-tag' as const });
const checkRow = async (opportunityId: string) =>
  (await stack.db.query<Record<string, unknown>>('select * from checks where workflow_id = $1', [handleFor(stack, opportunityId).workflowId]))[0];
const mailsTo = (address: string) => stack.catcher.messages.filter((m) => m.to.includes(address));

test('when a recruiter starts a check in the console for a candidate outside the trigger stage, then it runs, and the checks row names the candidate, job and request', async () => {
  const opp = stack.seedCandidate('opp-manual');
  stack.fake.setStage(opp, 'stage-offer');
  const started = await stack.checks.start(settings(), opp, Date.now(), { startedBy: `console:${ACCOUNT}`, manual: true });
  expect(started.outcome).toBe('started');
  const { requestId } = await waitForStatus(handleFor(stack, opp), (s) => s.step === 'awaiting-nominations');

  // The position the template names wins over Lever's posting title, in the mail and on the page.
  const invitation = await stack.catcher.waitFor((m) => m.to.includes(candidateEmail(opp)));
  expect(invitation.text).toContain('Principal Engineer');
  expect(invitation.text).not.toContain('Staff Engineer');
  expect(await (await fetch(linkIn(invitation.text, 'candidate')!)).text()).toContain('Principal Engineer');

  // The console's row: Lever's name and posting title (written by the Lever activity), the request, who started it.
  expect(await checkRow(opp)).toMatchObject({
    connection_id: stack.connectionId, opportunity_id: opp, candidate_name: 'Ada Lovelace', posting_title: 'Staff Engineer',
    request_id: requestId, started_by: `console:${ACCOUNT}`, outcome: null, finished_at: null,
  });
  // No personal data in what Temporal keeps unencrypted.
  expect(JSON.stringify((await handleFor(stack, opp).describe()).searchAttributes)).not.toMatch(/Ada|Lovelace/);
  await handleFor(stack, opp).terminate('test done');
});

test('when a manual start finds the candidate archived in Lever, then it ends stale-trigger', async () => {
  const opp = stack.seedCandidate('opp-manual-archived');
  stack.fake.store.setArchived(opp, 'reason-withdrew');
  await stack.checks.start(settings(), opp, Date.now(), { startedBy: `console:${ACCOUNT}`, manual: true });
  expect(await handleFor(stack, opp).result()).toMatchObject({ outcome: 'stale-trigger' });
  expect(await checkRow(opp)).toMatchObject({ outcome: 'stale-trigger', finished_at: expect.any(Date) });
  expect(mailsTo(candidateEmail(opp))).toHaveLength(0);
});

test('when a check is cancelled while referees are asked, then one note goes to Lever, the request is cancelled and referees are called off; a restart runs it afresh', async () => {
  const opp = stack.seedCandidate('opp-cancel');
  const { handle, requestId } = await startCheck(stack, opp);
  await giveReferences(stack, opp, { answer: 0 });
  const emails = refereesOf(opp).map((r) => r.email);
  await until('both invitations', () => emails.every((e) => mailsTo(e).length > 0));

  // Two clicks (or two tabs): one cancellation, one note.
  expect(await stack.checks.cancel(stack.connectionId, opp, ACCOUNT)).toBe('signalled');
  await stack.checks.cancel(stack.connectionId, opp, ACCOUNT);
  expect(await handle.result()).toMatchObject({ outcome: 'cancelled', requestStatus: 'cancelled' });
  expect(stack.fake.notes(opp).map((n) => n.value)).toEqual([
    expect.stringContaining('Reference check cancelled in refcheck. Referees who had not answered will not be contacted again.'),
  ]);
  expect(await findRequest(stack.db, requestId)).toMatchObject({ status: 'cancelled' });
  for (const referee of await listReferees(stack.db, requestId)) {
    expect(await stack.client.workflow.getHandle(refereeWorkflowId(referee.id)).result()).toMatchObject({ outcome: 'withdrawn' });
  }
  const cancelledRow = await checkRow(opp);
  expect(cancelledRow).toMatchObject({ outcome: 'cancelled', request_id: requestId, finished_at: expect.any(Date) });
  expect(await stack.checks.cancel(stack.connectionId, opp, ACCOUNT)).toBe('no-run');

  // Restarted from the console: a new run takes the row over and mails the candidate again.
  expect(await stack.checks.restart(settings(), opp, `console:${ACCOUNT}`)).toMatchObject({ outcome: 'restarted' });
  expect(await stack.checks.restart(settings(), opp, `console:${ACCOUNT}`)).toMatchObject({ outcome: 'running' });
  const second = await waitForStatus(handleFor(stack, opp), (s) => s.step === 'awaiting-nominations');
  expect(second.requestId).not.toBe(requestId);
  await until('a second invitation', () => mailsTo(candidateEmail(opp)).length === 2);
  const row = await checkRow(opp);
  expect(row.run_id).not.toBe(cancelledRow.run_id);
  expect(row).toMatchObject({ outcome: null, finished_at: null, request_id: second.requestId, started_by: `console:${ACCOUNT}`, candidate_name: 'Ada Lovelace' });
  await handleFor(stack, opp).terminate('test done');
});

test('when a check is marked hired in the console while references are collected, then it collects on, publishes, and syncs the hire to Lever at once; the hiring manager gets the report link once', async () => {
  const opp = stack.seedCandidate('opp-mark-hired');
  const { handle, requestId } = await startCheck(stack, opp);
  expect(await stack.checks.markHired(stack.connectionId, opp, true, ACCOUNT)).toBe('signalled');
  const referees = await giveReferences(stack, opp);
  // Referees read the template's position too.
  expect(mailsTo(referees[0].email)[0].text).toContain('Principal Engineer');

  // Applied at the hire step without waiting out the hour-long hire-confirmation delay.
  const result = await handle.result();
  expect(result).toMatchObject({ outcome: 'hired', hireSource: 'console', requestStatus: 'completed', responsesReceived: 2 });
  expect(stack.fake.tags(opp)).toContain('refcheck: hired');
  expect(stack.fake.notes(opp).map((n) => n.value)).toEqual([expect.stringContaining('Reference check complete'), expect.stringContaining('Hire confirmed (console)')]);
  expect(mailsTo('grace@acme.test')).toHaveLength(0);

  const toManager = mailsTo(HIRING_MANAGER.email);
  expect(toManager).toHaveLength(1);
  expect(toManager[0].text).toContain(stack.fake.links(opp)[0]);
  expect(toManager[0].text).toContain('Hello Hedy Lamarr');
  expect(await checkRow(opp)).toMatchObject({ outcome: 'hired', request_id: requestId, candidate_name: 'Ada Lovelace', posting_title: 'Staff Engineer', started_by: 'lever-webhook' });
});

test('when the console resends invitations, then the candidate and a referee are each mailed once more, and the timeline says so', async () => {
  const opp = stack.seedCandidate('opp-resend');
  const { handle, requestId } = await startCheck(stack, opp);
  await stack.catcher.waitFor((m) => m.to.includes(candidateEmail(opp)));
  expect(await stack.checks.resendCandidateInvitation(handle.workflowId)).toBe('signalled');
  await until('the second invitation', () => mailsTo(candidateEmail(opp)).length === 2);
  const [first, again] = mailsTo(candidateEmail(opp));
  expect(again.subject).toBe(first.subject);
  expect(linkIn(again.text, 'candidate')).toBeDefined();

  await giveReferences(stack, opp, { answer: 0 });
  const [referee] = await listReferees(stack.db, requestId);
  await until('the referee invited', () => mailsTo(referee.email).length === 1);
  // At once, as a recruiter would: the run may not yet know its first invitation went, and the resend still counts.
  expect(await stack.checks.resendRefereeInvitation(referee.id)).toBe('signalled');
  await until('the referee mailed again', () => mailsTo(referee.email).length === 2);

  const kinds = (await listEvents(stack.db, requestId)).map((e) => e.kind);
  expect(kinds.filter((k) => k === 'candidate-invitation-resent')).toHaveLength(1);
  expect(kinds.filter((k) => k === 'referee-invitation-resent')).toHaveLength(1);
  // Nothing more goes out later: each resend mails once.
  await new Promise((r) => setTimeout(r, 1_000));
  expect(mailsTo(candidateEmail(opp))).toHaveLength(2);
  expect(mailsTo(referee.email)).toHaveLength(2);

  await stack.checks.cancel(stack.connectionId, opp, ACCOUNT);
  await handle.result();
  expect(await stack.checks.resendCandidateInvitation(handle.workflowId)).toBe('no-run');
  expect(await stack.checks.resendRefereeInvitation(referee.id)).toBe('no-run');
});

test('when a run fails with an error, then its checks row says failed', async () => {
  // Lever refuses the read as a bad request: a permanent error that fails the run. (A 404 is not a
  // failure: Lever deleted the candidate, an outcome.)
  const opp = stack.seedCandidate('opp-refused-by-lever');
  stack.fake.injectFault({ method: 'GET', path: `/opportunities/${opp}`, status: 400, times: 2 });
  await stack.checks.start(settings(), opp, Date.now(), { startedBy: `console:${ACCOUNT}`, manual: true });
  await expect(handleFor(stack, opp).result()).rejects.toThrow();
  await until('the failed row', async () => (await checkRow(opp))?.outcome === 'failed');
  expect(await stack.checks.restart(settings(), opp, `console:${ACCOUNT}`)).toMatchObject({ outcome: 'restarted' });
  await expect(handleFor(stack, opp).result()).rejects.toThrow();
});

test('when the console resends the invitation before the first one has gone, then the candidate gets both, in order', async () => {
  const opp = stack.seedCandidate('opp-resend-early');
  // Lever answers the run's first read slowly: the resend arrives while the run is still confirming the trigger.
  stack.fake.injectFault({ method: 'GET', path: `/opportunities/${opp}`, delayMs: 2_000 });
  await stack.deliver('candidateStageChange', { opportunityId: opp, toStageId: TRIGGER_STAGE });
  const handle = handleFor(stack, opp);
  await waitForStatus(handle, (s) => s.step === 'confirming-trigger');
  expect(await stack.checks.resendCandidateInvitation(handle.workflowId)).toBe('signalled');

  await until('the invitation and its resend', () => mailsTo(candidateEmail(opp)).length === 2);
  const [first, again] = mailsTo(candidateEmail(opp));
  expect(again.subject).toBe(first.subject);
  expect(linkIn(again.text, 'candidate')).toBeDefined();
});
