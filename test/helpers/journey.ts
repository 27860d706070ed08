import type { WorkflowHandle } from '@temporalio/client';
import { referenceCheckWorkflowId, statusQuery, type ReferenceCheckStatus } from '../../workflows/definitions';
import type { referenceCheck } from '../../workflows/reference-check';
import { TRIGGER_STAGE, type Stack } from './stack';

export const RESPONSES = [
  { refereeName: 'Charles Babbage', refereeEmail: 'charles@engine.test', relationship: 'manager', answers: [{ question: 'Overall', rating: 5, comment: 'Brilliant <script>alert(1)</script> analyst' }, { question: 'Teamwork', rating: 4 }] },
  { refereeName: 'Mary Somerville', relationship: 'peer', answers: [{ question: 'Overall', rating: 4 }, { question: 'Teamwork', rating: 5, comment: 'Generous with her time' }] },
];

export function handleFor(stack: Stack, opportunityId: string): WorkflowHandle<typeof referenceCheck> {
  return stack.client.workflow.getHandle(referenceCheckWorkflowId(stack.connectionId, opportunityId));
}

/** Polls the workflow's `status` query until `pred` holds: what support would watch in the UI. */
export async function waitForStatus(handle: WorkflowHandle, pred: (s: ReferenceCheckStatus) => boolean, timeoutMs = 30_000): Promise<ReferenceCheckStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: ReferenceCheckStatus | undefined;
  while (Date.now() < deadline) {
    last = await handle.query(statusQuery).catch(() => undefined);
    if (last && pred(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`status never matched; last: ${JSON.stringify(last)}`);
}

export async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Moves a seeded candidate into the trigger stage and waits until the request is open. */
export async function startCheck(stack: Stack, opportunityId: string) {
  const res = await stack.deliver('candidateStageChange', { opportunityId, toStageId: TRIGGER_STAGE, fromStageId: 'stage-new' });
  expectStatus(res.status, 202);
  const handle = handleFor(stack, opportunityId);
  const status = await waitForStatus(handle, (s) => s.step === 'awaiting-references');
  return { handle, requestId: status.requestId! };
}

export async function completeRequest(stack: Stack, requestId: string, responses = RESPONSES) {
  return fetch(`${stack.apiUrl}/api/requests/${requestId}/complete`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.config.REFCHECK_ADMIN_TOKEN}` },
    body: JSON.stringify({ responses }),
  });
}

function expectStatus(actual: number, expected: number) {
  if (actual !== expected) throw new Error(`expected HTTP ${expected}, got ${actual}`);
}
