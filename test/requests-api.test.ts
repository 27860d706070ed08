import { randomBytes } from 'node:crypto';
import { openRequest } from '../src/db/requests';
import { listTemplates } from '../src/db/templates';
import { completeRequest } from './helpers/journey';
import { openPortalRequest, signalsIn, standIn } from './helpers/portal';
import { startStack, type Stack } from './helpers/stack';

/**
 * The completion API that runs from before the portal still wait for: it must keep working for
 * them, and refuse requests that the pages complete.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack.close());

test('when a request from before the portal is completed through the API, then its run gets the responses', async () => {
  const workflowId = `reference-check/test/${randomBytes(6).toString('hex')}`;
  const [template] = await listTemplates(stack.db, stack.connectionId);
  const request = await openRequest(stack.db, {
    workflowId, runId: randomBytes(16).toString('hex'), connectionId: stack.connectionId, opportunityId: 'opp-legacy', templateId: template.id,
    candidateName: 'Ada Lovelace', candidateEmail: 'ada@candidate.test', postingTitle: null, requiredReferences: 2, deadlineAt: new Date(Date.now() + 86_400_000),
  });
  const handle = await standIn(stack, workflowId);
  const res = await completeRequest(stack, request.id);
  expect(res.status).toBe(202);
  expect(await signalsIn(handle, 'requestCompleted')).toEqual([expect.objectContaining({ requestId: request.id, responses: expect.arrayContaining([expect.objectContaining({ refereeName: 'Charles Babbage' })]) })]);
  await handle.terminate('test done');
});

test('when a portal request is sent to the completion API, then 409 says the pages complete it', async () => {
  const { request, handle } = await openPortalRequest(stack);
  const res = await completeRequest(stack, request.id);
  expect(res.status).toBe(409);
  expect(await res.json()).toMatchObject({ error: 'conflict', message: expect.stringContaining('candidate and referee pages') });
  await handle?.terminate('test done');
});

test('without the admin token, then 401 and nothing happens', async () => {
  const res = await fetch(`${stack.apiUrl}/api/requests/rq_whatever/complete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"responses":[]}' });
  expect(res.status).toBe(401);
});
