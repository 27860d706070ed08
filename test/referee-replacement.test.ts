import type { WorkflowHandle } from '@temporalio/client';
import { refereeReplaced, refereeStatusQuery, refereeWorkflowId, statusQuery } from '../workflows/definitions';
import { listReferees } from '../src/db/referees';
import { answerAs, giveReferences, linkIn, newcomerOf, replaceReferee, startCheck, until, waitForStatus } from './helpers/journey';
import { Visitor } from './helpers/portal';
import { startStack, type Stack } from './helpers/stack';

/**
 * A referee who stays silent can be replaced by the candidate (after the template's
 * replaceAfterSeconds, one second here): the run calls the silent one off, invites the newcomer,
 * and concludes on the newcomer's answer. The page and the run agree on who was named even when
 * the page's transaction failed after its signal.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ templateSettings: { replaceAfterSeconds: 1 } });
});
afterAll(() => stack.close());

/** Nominated and invited, the first referee answered, the second stays silent; returns the silent one's id and link. */
async function withSilentReferee(opp: string) {
  const { handle, requestId } = await startCheck(stack, opp);
  await giveReferences(stack, opp, { answer: 1 });
  const [, silent] = await listReferees(stack.db, requestId);
  const mail = await stack.catcher.waitFor((m) => m.to.includes(silent.email));
  const silentLink = linkIn(mail.text, 'referee')!;
  await waitForStatus(handle, (s) => s.step === 'awaiting-referees');
  return { handle, requestId, silentId: silent.id, silentLink };
}

const refereeRun = (refereeId: string) => stack.client.workflow.getHandle(refereeWorkflowId(refereeId));

async function concludesOnTheNewcomer(handle: WorkflowHandle, opp: string, silentId: string, silentLink: string) {
  // The silent referee's run is called off, and their link no longer asks for an answer.
  await until('the silent referee called off', async () => (await refereeRun(silentId).query(refereeStatusQuery).catch(() => undefined))?.outcome === 'withdrawn');
  expect((await new Visitor('').get(silentLink)).html).toContain('No reference needed');

  await answerAs(stack, newcomerOf(opp), { ip: '203.0.113.40', userAgent: 'NewcomerBrowser/1' });
  const status = await waitForStatus(handle, (s) => s.step === 'awaiting-hire-outcome');
  expect(status).toMatchObject({ requestStatus: 'completed', responsesReceived: 2 });
  // The report counts the newcomer, not the silent referee.
  await until('the report note', () => stack.fake.notes(opp).length === 1);
  expect(stack.fake.notes(opp)[0].value).toContain('2 of 2 references');
}

test('when the candidate replaces a silent referee, then the newcomer is invited, the silent one is called off, and the request completes on the newcomer\'s answer', async () => {
  const opp = stack.seedCandidate('opp-replaced-referee');
  const { handle, silentId, silentLink } = await withSilentReferee(opp);
  await replaceReferee(stack, opp, silentId);
  await concludesOnTheNewcomer(handle, opp, silentId, silentLink);
});

test('when the run heard a replacement whose transaction then failed to commit, and the candidate replaces again, then the replacement that committed is invited', async () => {
  const opp = stack.seedCandidate('opp-uncommitted-replacement');
  const { handle, requestId, silentId, silentLink } = await withSilentReferee(opp);
  // What the page's first attempt leaves when Postgres goes down between its signal and its commit:
  // the signal, naming a newcomer whose row rolled back. The silent referee is still theirs to answer.
  await handle.signal(refereeReplaced, { requestId, oldRefereeId: silentId, newRefereeId: 'rf_rolled_back' });
  expect((await handle.query(statusQuery)).step).toBe('awaiting-referees');

  await replaceReferee(stack, opp, silentId);
  await concludesOnTheNewcomer(handle, opp, silentId, silentLink);
});
