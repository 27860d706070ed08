import { once } from 'node:events';
import { giveReferences, startCheck, until, waitForStatus } from './helpers/journey';
import { startStack, type Stack } from './helpers/stack';
import { spawnWorker } from './helpers/worker-process';

/**
 * A worker killed (SIGKILL, no goodbye) in the middle of writing to Lever: a new worker
 * finishes the run, and Lever still has exactly one note and one link.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack.close());

test('when the worker dies mid-write to Lever, then a restarted worker finishes the run without a duplicate note', async () => {
  const first = spawnWorker(stack.config);
  await first.ready;
  const opp = stack.seedCandidate('opp-crash');
  const { handle } = await startCheck(stack, opp);

  // Lever takes 3 s to commit the note; the worker is killed while it waits for the answer.
  stack.fake.injectFault({ method: 'POST', path: '/notes', delayMs: 3_000 });
  await giveReferences(stack, opp);
  await until('the note request to reach Lever', () => stack.fake.requests.some((r) => r.method === 'POST' && r.path.endsWith('/notes')) || undefined);
  first.child.kill('SIGKILL');
  await once(first.child, 'exit');
  await until('Lever to commit the note', () => stack.fake.notes(opp).length === 1, 10_000);

  const second = spawnWorker(stack.config);
  try {
    await second.ready;
    // The lost attempt is noticed by its heartbeat timeout, retried, and finds its own note.
    await waitForStatus(handle, (s) => s.step === 'awaiting-hire-outcome', 60_000);
    expect(stack.fake.notes(opp)).toHaveLength(1);
    expect(stack.fake.links(opp)).toHaveLength(1);
    stack.fake.archive(opp, 'reason-hired'); // hired in Lever, which then says so
    expect((await stack.deliver('candidateHired', { opportunityId: opp })).status).toBe(202);
    expect(await handle.result()).toMatchObject({ outcome: 'hired' });
    expect(stack.fake.notes(opp)).toHaveLength(2);
    // No secret or personal data in the worker's logs.
    expect(second.output()).not.toContain(stack.config.REFCHECK_ENCRYPTION_KEY);
    expect(second.output()).not.toContain('ada@candidate.test');
  } finally {
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
  }
}, 120_000);
