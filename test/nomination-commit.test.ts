import { recordNomination } from '../src/db/requests';
import { insertReferee } from '../src/db/referees';
import { candidateNominated, statusQuery } from '../workflows/definitions';
import { refereesOf, startCheck, until } from './helpers/journey';
import { startStack, type Stack } from './helpers/stack';

/**
 * The candidate's page signals the run inside its transaction, so the run may read the nomination
 * while that transaction commits. Whatever the timing, the run invites the referees that committed.
 * A database of its own: the test locks a table, which must not stall the suite's other files.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ freshDatabase: true });
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
