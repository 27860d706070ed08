import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { handleFor, linkIn, startCheck, until } from './helpers/journey';
import { candidateEmail, startStack, TRIGGER_STAGE, type Stack } from './helpers/stack';

/**
 * A check whose run failed is started again by a new stage change (the documented remedy): the
 * candidate hears from the new run, and the old link says so. A run whose records vanished
 * fails at once rather than retrying for ever.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    templateSettings: { reminders: { intervalSeconds: 1, maxCount: 5, quietHours: null }, deadlines: { candidateSeconds: 60, refereeSeconds: 30 } },
  });
});
afterAll(() => stack.close());

const invitationsTo = (opp: string) => stack.catcher.messages.filter((m) => m.to.includes(candidateEmail(opp)) && m.subject.endsWith('please name your referees'));

test('when a failed check is restarted by a new stage change, then the candidate gets a new invitation to the new request, and the old link says it was replaced', async () => {
  const opp = stack.seedCandidate('opp-restarted');
  const first = await startCheck(stack, opp);
  const oldLink = linkIn((await until('the first invitation', () => invitationsTo(opp)[0])).text, 'candidate')!;
  await first.handle.terminate('run 1 fails after its invitation');

  const again = await stack.deliver('candidateStageChange', { opportunityId: opp, toStageId: TRIGGER_STAGE, fromStageId: 'stage-new' });
  expect(again).toMatchObject({ status: 202 });
  const newInvitation = await until('a second invitation', () => invitationsTo(opp)[1]);
  const newLink = linkIn(newInvitation.text, 'candidate')!;
  expect(newLink).not.toBe(oldLink);

  const newPage = await fetch(newLink);
  expect(newPage.status).toBe(200);
  expect(await newPage.text()).toContain('name="consent"');
  const oldPage = await (await fetch(oldLink)).text();
  expect(oldPage).toContain('This request was replaced');
  expect(oldPage).not.toContain('name="consent"');
  await handleFor(stack, opp).terminate('test done');
});

test('when a record the run relies on is gone, then the activity is not retried for ever: the run fails with RecordNotFound', async () => {
  const opp = stack.seedCandidate('opp-record-gone');
  const { handle, requestId } = await startCheck(stack, opp);
  // Gone behind the run's back (an operator's delete): the candidate's reminder finds no request.
  await stack.db.query('delete from reference_requests where id = $1', [requestId]);
  const failure = await handle.result().then(() => undefined, (err: unknown) => err);
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  const cause = (failure as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ActivityFailure);
  expect((cause as ActivityFailure).cause).toBeInstanceOf(ApplicationFailure);
  expect(((cause as ActivityFailure).cause as ApplicationFailure).type).toBe('RecordNotFound');
  const [row] = await stack.db.query<{ outcome: string }>('select outcome from checks where workflow_id = $1', [handle.workflowId]);
  expect(row.outcome).toBe('failed');
});
