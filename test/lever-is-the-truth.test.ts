import type { WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, type LogEntry, Runtime } from '@temporalio/worker';
import { connectionChanged } from '../src/db/connections';
import { setAttachReportPdf } from '../src/db/report-pdfs';
import { findRequest } from '../src/db/requests';
import type { FaultSpec } from '../src/fake-lever/server';
import { checkAwaitingHire, giveReferences, handleFor, startCheck, until, waitForStatus } from './helpers/journey';
import { startStack, TRIGGER_STAGE, type Stack } from './helpers/stack';

/**
 * Lever signs a webhook's envelope, not its data: a captured delivery re-sent about another
 * candidate still verifies. So hired, archived and deleted are hints the run checks in Lever,
 * and a deletion Lever confirms (by its webhook, or by a 404 met during any step) always ends
 * with refcheck forgetting the candidate.
 */
let stack: Stack;
/** The worker's warnings (workflow logs included), to see what an unconfirmed hint leaves behind. */
const warnings: LogEntry[] = [];
beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN', (entry) => void warnings.push(entry)) });
  stack = await startStack({ hireConfirmationDelaySeconds: 3600 });
});
afterAll(() => stack.close());
afterEach(() => stack.fake.clearFaults());

const readsOf = (opp: string) => stack.fake.requests.filter((r) => r.method === 'GET' && r.path === `/opportunities/${opp}`).length;

/** What refcheck keeps of the candidate: the request, its referees and their answers, and who they were on the console's row. */
async function keptOf(opp: string) {
  const requests = await stack.db.query<{ id: string }>('select id from reference_requests where connection_id = $1 and opportunity_id = $2', [stack.connectionId, opp]);
  const referees = await stack.db.query('select r.id, r.answers from referees r join reference_requests q on q.id = r.request_id where q.opportunity_id = $1', [opp]);
  const people = await stack.db.query(
    `select candidate_name, candidate_email, candidate_phone, owner_name, owner_email from checks
      where connection_id = $1 and opportunity_id = $2 and coalesce(candidate_name, candidate_email, candidate_phone, owner_name, owner_email) is not null`,
    [stack.connectionId, opp],
  );
  const leverWrites = await stack.db.query('select write_key from lever_writes where connection_id = $1 and opportunity_id = $2', [stack.connectionId, opp]);
  return { requests, referees, people, leverWrites };
}
const NOTHING = { requests: [], referees: [], people: [], leverWrites: [] };

/** Holds the run's Lever call at `fault` (Lever answers 503), deletes the candidate in Lever meanwhile, then lets the call through. */
async function deleteDuring(opp: string, fault: Pick<FaultSpec, 'method'> & { path: string }) {
  stack.fake.injectFault({ ...fault, status: 503, times: 1000 });
  await until(`the run calling ${fault.method} ${fault.path}`, () => stack.fake.requests.some((r) => r.method === fault.method && r.path.includes(fault.path) && r.status === 503));
  stack.fake.deleteOpportunity(opp);
  stack.fake.clearFaults();
}

async function expectDeletedAndForgotten(handle: WorkflowHandle, opp: string) {
  expect(await handle.result()).toMatchObject({ outcome: 'deleted' });
  expect(await keptOf(opp)).toEqual(NOTHING);
}

describe('a webhook Lever does not confirm changes nothing', () => {
  test('when hired, archived and deleted webhooks arrive for a candidate Lever shows as active, then the check runs on: no stop, no purge, no hire; a real hire still ends it', async () => {
    const opp = stack.seedCandidate('opp-forged-hints');
    const { handle, requestId } = await startCheck(stack, opp);
    const before = readsOf(opp);

    // Correctly signed (a replayed envelope passes the signature), but Lever shows the candidate active.
    expect(await stack.deliver('candidateHired', { opportunityId: opp })).toMatchObject({ status: 202 });
    expect(await stack.deliver('candidateArchiveChange', { opportunityId: opp, toArchived: { archivedAt: Date.now(), reason: 'reason-hired' } })).toMatchObject({ status: 202 });
    expect(await stack.deliver('candidateDeleted', { opportunityId: opp })).toMatchObject({ status: 202 });
    await until('the run reading Lever for each hint', () => readsOf(opp) >= before + 3);
    const unconfirmed = () => warnings.filter((w) => w.message.startsWith('webhook unconfirmed by Lever') && w.meta?.workflowId === handle.workflowId);
    await until('each hint logged as unconfirmed', () => unconfirmed().length === 3);
    expect(unconfirmed().map((w) => w.meta?.event).sort()).toEqual(['archived', 'deleted', 'hired']);
    const logged = JSON.stringify(unconfirmed().map((w) => ({ message: w.message, meta: w.meta })), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
    expect(logged).not.toMatch(/Ada|Lovelace|Grace|@/);

    // The candidate can still name referees, who answer: the check was not stopped, nothing was purged.
    await giveReferences(stack, opp);
    const status = await waitForStatus(handle, (s) => s.step === 'awaiting-hire-outcome');
    expect(status.hire).toBeUndefined();
    expect(await findRequest(stack.db, requestId)).toMatchObject({ status: 'completed' });
    expect(await stack.db.query('select 1 from hire_outcomes where request_id = $1', [requestId])).toEqual([]);
    expect(stack.fake.tags(opp)).not.toContain('refcheck: hired');

    // The real hire: Lever archives the candidate with a hired reason, then sends Candidate Hired.
    stack.fake.archive(opp, 'reason-hired');
    expect(await stack.deliver('candidateHired', { opportunityId: opp })).toMatchObject({ status: 202 });
    expect(await handle.result()).toMatchObject({ outcome: 'hired', hireSource: 'lever-webhook' });
  });

  test('when an archive webhook names a hired reason but Lever archived the candidate as withdrawn, then Lever\'s reason decides: not hired', async () => {
    const opp = stack.seedCandidate('opp-archive-reason');
    const { handle } = await checkAwaitingHire(stack, opp);
    stack.fake.archive(opp, 'reason-withdrew');
    await stack.deliver('candidateArchiveChange', { opportunityId: opp, toArchived: { archivedAt: Date.now(), reason: 'reason-hired' } });
    expect(await handle.result()).toMatchObject({ outcome: 'not-hired', hireSource: 'lever-archive' });
  });

  test('when a deletion webhook arrives for a candidate with no running check whom Lever still has, then nothing is purged; once Lever deleted them, everything is', async () => {
    const opp = stack.seedCandidate('opp-forged-delete');
    const { handle, requestId } = await startCheck(stack, opp);
    await stack.checks.cancel(stack.connectionId, opp, 'acc_test');
    expect(await handle.result()).toMatchObject({ outcome: 'cancelled' });

    const forged = await stack.deliver('candidateDeleted', { opportunityId: opp });
    expect(forged).toMatchObject({ status: 202, body: { outcome: 'confirming-deletion' } });
    expect(await stack.client.workflow.getHandle(forged.body!.workflowId).result()).toEqual({ outcome: 'unconfirmed' });
    expect(await findRequest(stack.db, requestId)).toMatchObject({ status: 'cancelled' });

    stack.fake.deleteOpportunity(opp);
    const real = await stack.deliver('candidateDeleted', { opportunityId: opp });
    expect(await stack.client.workflow.getHandle(real.body!.workflowId).result()).toEqual({ outcome: 'purged' });
    expect(await keptOf(opp)).toEqual(NOTHING);
  });
});

describe('a deletion Lever confirms always purges, whatever the run is doing', () => {
  test('when Lever deletes the candidate while the run first reads them, then the run ends deleted', async () => {
    const opp = stack.seedCandidate('opp-delete-reading');
    const held = deleteDuring(opp, { method: 'GET', path: `/opportunities/${opp}` });
    await stack.deliver('candidateStageChange', { opportunityId: opp, toStageId: TRIGGER_STAGE, fromStageId: 'stage-new' });
    await held;
    await expectDeletedAndForgotten(handleFor(stack, opp), opp);
  });

  test.each([
    ['adding the report link', { method: 'POST', path: '/addLinks' }],
    ['adding the report note', { method: 'POST', path: '/notes' }],
  ])('when Lever deletes the candidate while the run is %s, then the run ends deleted and their data is gone', async (_step, fault) => {
    const opp = stack.seedCandidate(`opp-delete-${fault.path.slice(1).toLowerCase()}`);
    const { handle } = await startCheck(stack, opp);
    stack.fake.injectFault({ ...fault, status: 503, times: 1000 });
    await giveReferences(stack, opp);
    expect((await keptOf(opp)).referees).toHaveLength(2);
    await deleteDuring(opp, fault);
    await expectDeletedAndForgotten(handle, opp);
  });

  test('when Lever deletes the candidate while the run uploads the report PDF, then the run ends deleted and their data is gone', async () => {
    await setAttachReportPdf(stack.db, stack.organisationId, stack.connectionId, true);
    try {
      const opp = stack.seedCandidate('opp-delete-pdf');
      const { handle } = await startCheck(stack, opp);
      stack.fake.injectFault({ method: 'POST', path: '/files', status: 503, times: 1000 });
      await giveReferences(stack, opp);
      await deleteDuring(opp, { method: 'POST', path: '/files' });
      await expectDeletedAndForgotten(handle, opp);
    } finally {
      await setAttachReportPdf(stack.db, stack.organisationId, stack.connectionId, false);
    }
  });

  test('when the check is marked hired and Lever then deletes the candidate while the hire is synced, then the run ends deleted, not hired, and their data is gone', async () => {
    const opp = stack.seedCandidate('opp-hire-then-delete');
    const { handle } = await startCheck(stack, opp);
    expect(await stack.checks.markHired(stack.connectionId, opp, true, 'acc_test')).toBe('signalled');
    stack.fake.injectFault({ method: 'POST', path: '/addTags', status: 503, times: 1000 });
    await giveReferences(stack, opp);
    await deleteDuring(opp, { method: 'POST', path: '/addTags' });
    // Lever's webhook too, as Lever would send it.
    await stack.deliver('candidateDeleted', { opportunityId: opp });
    await expectDeletedAndForgotten(handle, opp);
    expect(await stack.db.query("select 1 from hire_outcomes where workflow_id = $1 and outcome = 'hired'", [handle.workflowId])).toEqual([]);
  });

  test('when Lever deletes the candidate while the run reads the archive reason, then the run ends deleted and their data is gone', async () => {
    const opp = stack.seedCandidate('opp-delete-archive-reason');
    const { handle } = await checkAwaitingHire(stack, opp);
    // A reason added in Lever since refcheck last read them: the worker keeps the reasons it read, so this one is read afresh.
    stack.fake.store.archiveReasons.push({ id: 'reason-moved-abroad', text: 'Moved abroad', status: 'active', type: 'non-hired' });
    stack.fake.archive(opp, 'reason-moved-abroad');
    stack.fake.injectFault({ method: 'GET', path: '/archive_reasons', status: 503, times: 1000 });
    await stack.deliver('candidateArchiveChange', { opportunityId: opp, toArchived: { archivedAt: Date.now(), reason: 'reason-moved-abroad' } });
    await deleteDuring(opp, { method: 'GET', path: '/archive_reasons' });
    await expectDeletedAndForgotten(handle, opp);
  });

  test('when the connection archives hires in Lever and Lever deletes the candidate while the run archives them, then the run ends deleted', async () => {
    await stack.db.query("update lever_connections set hire_sync = 'archive-as-hired' where id = $1", [stack.connectionId]);
    // Written behind the console's back: the ingress's cached connection is told, as the console's writes tell it.
    connectionChanged(stack.connectionId);
    try {
      const opp = stack.seedCandidate('opp-delete-archiving');
      const { handle } = await startCheck(stack, opp);
      expect(await stack.checks.markHired(stack.connectionId, opp, true, 'acc_test')).toBe('signalled');
      stack.fake.injectFault({ method: 'PUT', path: '/archived', status: 503, times: 1000 });
      await giveReferences(stack, opp);
      await deleteDuring(opp, { method: 'PUT', path: '/archived' });
      await expectDeletedAndForgotten(handle, opp);
    } finally {
      await stack.db.query("update lever_connections set hire_sync = 'note-and-tag' where id = $1", [stack.connectionId]);
      connectionChanged(stack.connectionId);
    }
  });
});
