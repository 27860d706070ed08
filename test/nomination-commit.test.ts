import type { WorkflowHandle } from '@temporalio/client';
import { recordNomination } from '../src/db/requests';
import { insertReferee } from '../src/db/referees';
import { candidateNominated, statusQuery } from '../workflows/definitions';
import { giveReferences, refereesOf, startCheck, until, waitForStatus } from './helpers/journey';
import { startStack, type Stack } from './helpers/stack';

/**
 * The candidate's page signals the run inside its transaction, so the run may read the nomination
 * while that transaction commits, or hear one that never commits. Whatever the timing, the run
 * invites the referees that committed. Runs here wait 2 s (PAGE_COMMIT_WAIT_SECONDS) for a commit.
 * A database of its own: a test locks a table, which must not stall the suite's other files.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ freshDatabase: true, pageCommitWaitSeconds: 2 });
});
afterAll(() => stack.close());

test('when the nomination commits while the run is reading it, then both referees are invited, not nobody', async () => {
  const opp = stack.seedCandidate('opp-nomination-landing');
  const { handle, requestId } = await startCheck(stack, opp);
  const nominees = refereesOf(opp);

  // The page's transaction (src/portal/candidate.ts), holding the requests table as its commit
  // nears: the run's read of it waits and resumes just after the commit, whatever it read before.
  const page = await stack.db.pool.connect();
  try {
    await page.query('begin');
    await recordNomination(page, requestId, { ip: null, userAgent: null });
    const ids: string[] = [];
    for (const [slot, r] of nominees.entries()) {
      ids.push((await insertReferee(page, requestId, slot, { name: r.name, email: r.email, relationship: r.relationship, optional: false })).id);
    }
    await page.query('lock table reference_requests in access exclusive mode');
    await handle.signal(candidateNominated, { requestId, refereeIds: ids });
    await until('the run waiting on the commit', async () => (await stack.db.query(
      `select 1 from pg_locks where relation = 'reference_requests'::regclass and database = (select oid from pg_database where datname = current_database()) and not granted`,
    )).length > 0);
    await page.query('commit');
  } finally {
    page.release();
  }

  for (const r of nominees) await stack.catcher.waitFor((m) => m.to.includes(r.email));
  expect(await handle.query(statusQuery)).toMatchObject({ step: 'awaiting-referees', requestStatus: 'open' });
});

test('when the nomination the run heard never commits, then the candidate can still name referees on their page, and those are invited', async () => {
  const opp = stack.seedCandidate('opp-nomination-rolled-back');
  const { handle, requestId } = await startCheck(stack, opp);
  // The page's attempt whose commit failed after its signal, and no second attempt within the wait.
  await handle.signal(candidateNominated, { requestId, refereeIds: ['rf_rolled_back_1', 'rf_rolled_back_2'] });
  await until('the run done waiting for that commit', async () => completedActivities(await handle.fetchHistory()).includes('listNominated'));
  expect(await handle.query(statusQuery)).toMatchObject({ step: 'awaiting-nominations', requestStatus: 'open' });

  // The candidate comes back later: their page still asks for referees, and the run invites them.
  await giveReferences(stack, opp);
  const status = await waitForStatus(handle, (s) => s.step === 'awaiting-hire-outcome');
  expect(status).toMatchObject({ requestStatus: 'completed', responsesReceived: 2 });
});

/** The activity types a run's history shows as completed. */
function completedActivities(history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>): string[] {
  const events = history.events ?? [];
  const typeOf = new Map(events.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => [String(e.eventId), e.activityTaskScheduledEventAttributes!.activityType!.name!]));
  return events.filter((e) => e.activityTaskCompletedEventAttributes).map((e) => typeOf.get(String(e.activityTaskCompletedEventAttributes!.scheduledEventId))!);
}
