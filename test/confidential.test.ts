import type { LeverResource } from '../src/fake-lever/server';
import { consoleUser, textOf, type ConsoleUser } from './helpers/console';
import { handleFor, until, waitForStatus } from './helpers/journey';
import { API_KEY, candidateEmail, startStack, TRIGGER_STAGE, type Stack } from './helpers/stack';

/**
 * Confidential candidates (Crosschq's setup notes: confidential data needs access). Lever refuses a
 * confidential opportunity, and every read and write under it, to a key made without confidential
 * access, and gives access only when a key is made. A refused candidate ends the check with its
 * own outcome and the fix in the console, not as a failed run; with a key that has access the
 * check runs as any other. On real parts: Temporal, Postgres, the api and worker, the fake Lever.
 */
const EVERY_ENDPOINT: LeverResource[] = ['opportunities', 'postings', 'stages', 'users', 'archive_reasons', 'notes', 'tags', 'links', 'files'];
/** A key made without "Allow access to confidential data". */
const NO_CONFIDENTIAL = 'key-without-confidential-access';
/** A key made without the opportunities permission at all. */
const NO_OPPORTUNITIES = 'key-without-opportunities';
const FIX = 'make a new key with \'Allow access to confidential data\' ticked';

let stack: Stack;
let admin: ConsoleUser;
beforeAll(async () => {
  stack = await startStack({
    apiKey: NO_CONFIDENTIAL,
    keyPermissions: { [NO_CONFIDENTIAL]: EVERY_ENDPOINT, [NO_OPPORTUNITIES]: EVERY_ENDPOINT.filter((r) => r !== 'opportunities') },
  });
  admin = await consoleUser(stack, 'admin');
});
afterAll(() => stack.close());

const connectionPage = () => `/console/connections/${stack.connectionId}`;
const checkPage = (opp: string) => `/console/checks/${stack.connectionId}/${opp}`;
const mailsTo = (opp: string) => stack.catcher.messages.filter((m) => m.to.includes(candidateEmail(opp)));

/** The admin saves the connection's Lever account in the console: a new key (or the same), the box ticked or not. */
async function saveLeverAccount(o: { apiKey?: string; ticked: boolean }) {
  await admin.get(connectionPage());
  const res = await admin.post(`${connectionPage()}/lever`, {
    name: 'Acme Test', environment: 'url', url: stack.fake.url, apiKey: o.apiKey ?? '', ...(o.ticked ? { confidential: 'on' } : {}),
  });
  if (res.status !== 303) throw new Error(`saving the Lever account failed (${res.status}): ${textOf(res.html).slice(0, 300)}`);
}

/** A candidate on a confidential posting (so the opportunity is confidential too, as in Lever), in the trigger stage. */
function seedConfidentialCandidate(opp: string) {
  stack.fake.addUser({ id: 'user-owner', name: 'Grace Hopper', email: 'grace@acme.test' });
  stack.fake.addPosting({ id: `post-${opp}`, text: 'Chief Executive', tags: ['Leadership'], owner: 'user-owner', confidential: true });
  stack.fake.addOpportunity({ id: opp, name: 'Cora Confidential', emails: [candidateEmail(opp)], stage: TRIGGER_STAGE, owner: 'user-owner', postingId: `post-${opp}` });
  return opp;
}

async function moveIntoTriggerStage(opp: string) {
  const res = await stack.deliver('candidateStageChange', { opportunityId: opp, toStageId: TRIGGER_STAGE, fromStageId: 'stage-new' });
  expect(res.status).toBe(202);
}

test('when a confidential candidate enters the trigger stage and the key has no confidential access, then the check ends confidential-no-access, nobody is mailed, and the console gives the fix', async () => {
  await saveLeverAccount({ apiKey: NO_CONFIDENTIAL, ticked: false });
  const opp = seedConfidentialCandidate('opp-refused');
  await moveIntoTriggerStage(opp);

  // An outcome, not a failed run.
  expect(await handleFor(stack, opp).result()).toMatchObject({ outcome: 'confidential-no-access', responsesReceived: 0 });
  expect(mailsTo(opp)).toHaveLength(0);
  // Nothing written to Lever: the key may not write on that opportunity either.
  expect(stack.fake.writes.filter((w) => w.path.includes(opp))).toEqual([]);

  const list = textOf((await admin.get('/console/checks')).html);
  expect(list).toContain('Lever refused: confidential candidate');
  const page = await admin.get(checkPage(opp));
  const text = textOf(page.html);
  expect(text).toContain('Lever refused: confidential candidate');
  expect(text).toContain('This connection\'s API key has no confidential access.');
  expect(text).toContain(FIX);
  expect(text).toContain('then restart the check');
  expect(page.html).toContain(`href="/console/connections/${stack.connectionId}#lever"`);
  expect(page.html).toContain(`${checkPage(opp)}/confirm/restart`);

  // The connection page warns while its box is unticked.
  const connection = await admin.get(connectionPage());
  expect(connection.html).toContain('id="confidential-warning"');
  expect(textOf(connection.html)).toMatch(/1 check ended because Lever refused a confidential candidate/);

  // A recruiter reads the same fix, without the admin's link.
  const recruiter = await consoleUser(stack, 'recruiter');
  const seen = await recruiter.get(checkPage(opp));
  expect(textOf(seen.html)).toContain(FIX);
  expect(seen.html).not.toContain('#lever"');
});

test('when the box is ticked but the key was made without confidential access, then Lever still refuses, and the console says the key lacks it', async () => {
  await saveLeverAccount({ apiKey: NO_CONFIDENTIAL, ticked: true });
  const opp = seedConfidentialCandidate('opp-refused-ticked');
  await moveIntoTriggerStage(opp);
  expect(await handleFor(stack, opp).result()).toMatchObject({ outcome: 'confidential-no-access' });

  const text = textOf((await admin.get(checkPage(opp))).html);
  expect(text).toContain('says its API key has confidential access, but Lever refused the key');
  expect(text).toContain(FIX);
  // The box is ticked: the connection page's warning is for an unticked box only.
  expect((await admin.get(connectionPage())).html).not.toContain('id="confidential-warning"');
});

test('when a check is started in the console for a confidential candidate the key may not read, then the form says so with the fix and starts nothing', async () => {
  await saveLeverAccount({ apiKey: NO_CONFIDENTIAL, ticked: false });
  const opp = seedConfidentialCandidate('opp-console-start');
  await admin.get('/console/checks/new');
  const res = await admin.post('/console/checks', { connection: stack.connectionId, opportunity: `https://hire.lever.co/candidates/${opp}` });
  expect(res.status).toBe(422);
  expect(textOf(res.html)).toContain('Lever refused: confidential candidate');
  expect(textOf(res.html)).toContain(`${FIX} (Lever sets it only when a key is made)`);
  expect(textOf(res.html)).toContain('then start the check again');
  await expect(handleFor(stack, opp).describe()).rejects.toThrow();
});

test('when an admin pastes a key with confidential access, ticks the box and restarts the refused check, then the candidate is invited', async () => {
  await saveLeverAccount({ apiKey: NO_CONFIDENTIAL, ticked: false });
  const opp = seedConfidentialCandidate('opp-restarted');
  await moveIntoTriggerStage(opp);
  expect(await handleFor(stack, opp).result()).toMatchObject({ outcome: 'confidential-no-access' });

  await saveLeverAccount({ apiKey: API_KEY, ticked: true }); // the fake gives API_KEY every permission, confidential access included
  expect((await admin.get(`${checkPage(opp)}/confirm/restart`)).status).toBe(200);
  expect((await admin.post(`${checkPage(opp)}/actions/restart`, {})).status).toBe(303);

  await waitForStatus(handleFor(stack, opp), (s) => s.step === 'awaiting-nominations');
  const invitation = await stack.catcher.waitFor((m) => m.to.includes(candidateEmail(opp)));
  expect(invitation.text).toContain('Chief Executive');
  await until('the console to show the check running', async () => textOf((await admin.get(checkPage(opp))).html).includes('Waiting for the candidate to name referees'));
  await handleFor(stack, opp).terminate('test done');
});

test('when the connection has confidential access and its key has it, then a confidential candidate entering the stage is invited as any other', async () => {
  await saveLeverAccount({ apiKey: API_KEY, ticked: true });
  const opp = seedConfidentialCandidate('opp-with-access');
  await moveIntoTriggerStage(opp);
  await waitForStatus(handleFor(stack, opp), (s) => s.step === 'awaiting-nominations');
  await stack.catcher.waitFor((m) => m.to.includes(candidateEmail(opp)));
  await handleFor(stack, opp).terminate('test done');
});

test('when a refused candidate enters the trigger stage again once the key has confidential access, then a new check starts (the refusal did nothing for them)', async () => {
  await saveLeverAccount({ apiKey: NO_CONFIDENTIAL, ticked: false });
  const opp = seedConfidentialCandidate('opp-moved-again');
  await moveIntoTriggerStage(opp);
  expect(await handleFor(stack, opp).result()).toMatchObject({ outcome: 'confidential-no-access' });

  await saveLeverAccount({ apiKey: API_KEY, ticked: true });
  const again = await stack.deliver('candidateStageChange', { opportunityId: opp, toStageId: TRIGGER_STAGE, fromStageId: 'stage-new' });
  expect([again.status, again.body?.outcome]).toEqual([202, 'restarted']);
  await stack.catcher.waitFor((m) => m.to.includes(candidateEmail(opp)));
  await handleFor(stack, opp).terminate('test done');
});

test('when the key lacks the opportunities permission altogether, then the run fails: a missing permission is not a confidential candidate', async () => {
  await saveLeverAccount({ apiKey: NO_OPPORTUNITIES, ticked: false });
  const opp = seedConfidentialCandidate('opp-no-permission');
  await moveIntoTriggerStage(opp);
  await expect(handleFor(stack, opp).result()).rejects.toThrow();
  await until('the console to show the check failed', async () => textOf((await admin.get(checkPage(opp))).html).includes('Failed (see the Temporal run)'));
  expect(textOf((await admin.get(checkPage(opp))).html)).not.toContain('confidential candidate');
});
