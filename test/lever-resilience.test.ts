import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { giveReferences, handleFor, startCheck, waitForStatus } from './helpers/journey';
import { startStack, TRIGGER_STAGE, type Stack } from './helpers/stack';

/**
 * Lever as it really behaves: 429s, 5xx, lost responses and bad keys. The fake Lever keeps its
 * documented contract, so these exercise the real client, activities and retry policy.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => {
  stack.fake.clearFaults();
  stack.fake.reset();
});

const requestsTo = (method: string, pathPart: string) => stack.fake.requests.filter((r) => r.method === method && r.path.includes(pathPart));

test('when Lever answers 503 and then 429, then the read is retried with backoff and the check goes on', async () => {
  const opp = stack.seedCandidate('opp-flaky');
  stack.fake.injectFault({ method: 'GET', path: `/opportunities/${opp}`, status: 503, times: 1 });
  stack.fake.injectFault({ method: 'GET', path: `/opportunities/${opp}`, status: 429, times: 1 });
  await startCheck(stack, opp);
  expect(requestsTo('GET', `/opportunities/${opp}`).map((r) => r.status)).toEqual([503, 429, 200]);
});

test('when the note is written but the response is lost, then the retry finds it: exactly one note and one link', async () => {
  const opp = stack.seedCandidate('opp-lost-response');
  const { handle } = await startCheck(stack, opp);
  stack.fake.injectFault({ method: 'POST', path: '/notes', afterWrite: true, status: 500 });
  stack.fake.injectFault({ method: 'POST', path: '/addLinks', afterWrite: true, status: 502 });
  await giveReferences(stack, opp);
  await waitForStatus(handle, (s) => s.step === 'awaiting-hire-outcome');
  expect(requestsTo('POST', '/notes').map((r) => r.status)).toEqual([500]); // written once; the retry found it
  expect(requestsTo('POST', '/addLinks').map((r) => r.status)).toEqual([502]);
  expect(stack.fake.notes(opp)).toHaveLength(1);
  expect(stack.fake.links(opp)).toHaveLength(1);
  await handle.terminate('test done');
});

test('when Lever has no such opportunity, then the run ends at once as deleted (Lever 404 is an outcome), without retrying', async () => {
  const res = await stack.deliver('candidateStageChange', { opportunityId: 'opp-missing', toStageId: TRIGGER_STAGE });
  expect(res.status).toBe(202);
  expect(await handleFor(stack, 'opp-missing').result()).toMatchObject({ outcome: 'deleted' });
  // The read, and the look that tells a deleted opportunity from a missing note or file.
  expect(requestsTo('GET', '/opportunities/opp-missing')).toHaveLength(2);

  // Should Lever have the candidate after all, they may be checked again: a run that kept nothing does not block a new one.
  stack.seedCandidate('opp-missing');
  const again = await stack.deliver('candidateStageChange', { opportunityId: 'opp-missing', toStageId: TRIGGER_STAGE });
  expect(again).toMatchObject({ status: 202, body: { outcome: 'restarted' } });
  await waitForStatus(handleFor(stack, 'opp-missing'), (s) => s.step === 'awaiting-nominations');
  await handleFor(stack, 'opp-missing').terminate('test done');
});

test('when the API key is wrong, then the run fails with LeverUnauthorized and the key appears nowhere in the failure', async () => {
  const badKey = await startStack({ apiKey: 'revoked-key-123456' });
  try {
    const opp = badKey.seedCandidate('opp-bad-key');
    await badKey.deliver('candidateStageChange', { opportunityId: opp, toStageId: TRIGGER_STAGE });
    const err = (await handleFor(badKey, opp).result().catch((e: unknown) => e)) as WorkflowFailedError;
    const failure = (err.cause as ActivityFailure).cause as ApplicationFailure;
    expect(failure.type).toBe('LeverUnauthorized');
    expect(JSON.stringify(await handleFor(badKey, opp).fetchHistory())).not.toContain('revoked-key-123456');
  } finally {
    await badKey.close();
  }
});

test('when thirty candidates move at once, then every check starts and Lever never answers 429', async () => {
  const many = await startStack();
  try {
    const opps = Array.from({ length: 30 }, (_, i) => many.seedCandidate(`opp-crowd-${i}`));
    const results = await Promise.all(opps.map((opportunityId) => many.deliver('candidateStageChange', { opportunityId, toStageId: TRIGGER_STAGE })));
    expect(results.every((r) => r.status === 202)).toBe(true);
    await Promise.all(opps.map((opp) => waitForStatus(handleFor(many, opp), (s) => s.step === 'awaiting-nominations', 60_000)));
    expect(many.fake.requests.length).toBeGreaterThanOrEqual(60);
    expect(many.fake.count429()).toBe(0);
    await Promise.all(opps.map((opp) => handleFor(many, opp).terminate('test done')));
  } finally {
    await many.close();
  }
});
