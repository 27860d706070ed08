import { findRequest } from '../src/db/requests';
import { listReferees } from '../src/db/referees';
import { refereeWorkflowId } from '../workflows/definitions';
import { checkAwaitingHire, giveReferences, refereesOf, startCheck, until } from './helpers/journey';
import { startStack, type Stack } from './helpers/stack';

/**
 * Lever archiving or deleting a candidate mid-check: referees stop hearing from refcheck, the
 * recruiter is told, and a deleted candidate's data leaves refcheck too.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    hireConfirmationDelaySeconds: 3600,
    templateSettings: { reminders: { intervalSeconds: 1, maxCount: 5, quietHours: null }, deadlines: { candidateSeconds: 60, refereeSeconds: 30 } },
  });
});
afterAll(() => stack.close());

/** A recruiter archives the candidate in Lever, and Lever sends its webhook. */
const archive = (opportunityId: string, reason: string) => {
  stack.fake.archive(opportunityId, reason);
  return stack.deliver('candidateArchiveChange', { opportunityId, fromArchived: null, toArchived: { archivedAt: Date.now(), reason } });
};
/** A recruiter deletes the candidate in Lever, and Lever sends its webhook. */
const remove = (opportunityId: string) => {
  stack.fake.deleteOpportunity(opportunityId);
  return stack.deliver('candidateDeleted', { opportunityId });
};

test('when the candidate is archived while referees are being asked, then reminders stop, the request is cancelled and Lever is told', async () => {
  const opp = stack.seedCandidate('opp-archived');
  const { handle, requestId } = await startCheck(stack, opp);
  await giveReferences(stack, opp, { answer: 0 });
  const emails = refereesOf(opp).map((r) => r.email);
  await until('both invitations', () => emails.every((e) => stack.catcher.messages.some((m) => m.to.includes(e))));

  expect(await archive(opp, 'reason-withdrew')).toMatchObject({ status: 202, body: { outcome: 'signalled' } });
  expect(await handle.result()).toMatchObject({ outcome: 'archived', requestStatus: 'cancelled' });
  const mailsAtStop = stack.catcher.messages.filter((m) => emails.some((e) => m.to.includes(e))).length;
  for (const referee of await listReferees(stack.db, requestId)) {
    expect(await stack.client.workflow.getHandle(refereeWorkflowId(referee.id)).result()).toMatchObject({ outcome: 'withdrawn' });
  }
  await new Promise((r) => setTimeout(r, 2_500)); // two reminder intervals
  expect(stack.catcher.messages.filter((m) => emails.some((e) => m.to.includes(e)))).toHaveLength(mailsAtStop);
  expect(await findRequest(stack.db, requestId)).toMatchObject({ status: 'cancelled' });
  expect(stack.fake.notes(opp).map((n) => n.value)).toEqual([expect.stringContaining('Reference check stopped: the candidate was archived')]);
});

test('when the candidate is deleted in Lever mid-check, then refcheck forgets them and writes nothing to Lever', async () => {
  const opp = stack.seedCandidate('opp-deleted');
  const { handle, requestId } = await startCheck(stack, opp);
  const notesBefore = stack.fake.notes(opp);
  expect(notesBefore).toHaveLength(0);
  expect(await remove(opp)).toMatchObject({ status: 202 });
  expect(await handle.result()).toMatchObject({ outcome: 'deleted' });
  expect(await findRequest(stack.db, requestId)).toBeUndefined();
  expect(stack.fake.writes.filter((w) => w.path.includes(opp))).toEqual([]);
});

test('when the candidate is archived as not hired after the report, then the run ends not-hired without asking the owner; deleting them later purges what refcheck kept', async () => {
  const opp = stack.seedCandidate('opp-archived-later');
  const { handle, requestId } = await checkAwaitingHire(stack, opp);
  await archive(opp, 'reason-withdrew');
  expect(await handle.result()).toMatchObject({ outcome: 'not-hired', hireSource: 'lever-archive', requestStatus: 'completed' });
  expect(stack.fake.tags(opp)).toContain('refcheck: not hired');
  expect(stack.catcher.messages.filter((m) => m.subject.startsWith('Was Ada'))).toHaveLength(0);

  // No run is left: a small one confirms the deletion with Lever, then purges.
  const deletion = await remove(opp);
  expect(deletion).toMatchObject({ status: 202, body: { outcome: 'confirming-deletion' } });
  expect(await stack.client.workflow.getHandle(deletion.body!.workflowId).result()).toEqual({ outcome: 'purged' });
  expect(await findRequest(stack.db, requestId)).toBeUndefined();
  expect(await listReferees(stack.db, requestId)).toEqual([]);
});

test('when an archived candidate is unarchived, then nothing happens', async () => {
  expect(await stack.deliver('candidateArchiveChange', { opportunityId: 'opp-whoever', fromArchived: { archivedAt: 1, reason: 'reason-withdrew' }, toArchived: null })).toEqual({ status: 200, body: { outcome: 'ignored-unarchive' } });
});
