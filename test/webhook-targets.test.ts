import { randomBytes } from 'node:crypto';
import { finishCheck, recordCheckStarted } from '../src/db/checks';
import { setEnabled, setTriggerStage, setWebhookTokens } from '../src/db/console-connections';
import { markConcluded, openRequest } from '../src/db/requests';
import { listTemplates } from '../src/db/templates';
import { referenceCheckWorkflowId } from '../workflows/definitions';
import { handleFor } from './helpers/journey';
import { candidateEmail, startStack, TRIGGER_STAGE, type Stack } from './helpers/stack';

/**
 * The ingress keeps each connection's webhook settings in process for a few seconds, and a run's
 * first step (not the ingress) tells a concluded check from a new one. What a user sees must not change:
 * the console's changes apply to the very next webhook, and a finished check is never checked again.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ chromium: false });
});
afterAll(() => stack.close());

const stageChange = (opportunityId: string, toStageId = TRIGGER_STAGE) => ({ opportunityId, toStageId, fromStageId: 'stage-new' });

test('when a stage change arrives for a concluded check Temporal has forgotten, then the new run ends already-completed without a Lever call or an invitation', async () => {
  // The check ran to its end long ago: its run is gone from Temporal (past the namespace's retention),
  // refcheck's records remain (the request and the console's row).
  const opp = stack.seedCandidate('opp-concluded-forgotten');
  const workflowId = referenceCheckWorkflowId(stack.connectionId, opp);
  const [template] = await listTemplates(stack.db, stack.connectionId);
  const request = await openRequest(stack.db, {
    workflowId, runId: 'run-long-gone', connectionId: stack.connectionId, opportunityId: opp, templateId: template.id,
    candidateName: 'Ada Lovelace', candidateEmail: candidateEmail(opp), postingTitle: null, requiredReferences: 2, deadlineAt: new Date(),
  });
  await markConcluded(stack.db, request.id, 'completed');
  await recordCheckStarted(stack.db, { workflowId, runId: 'run-long-gone', connectionId: stack.connectionId, opportunityId: opp, startedBy: 'lever-webhook' });
  await finishCheck(stack.db, { workflowId, runId: 'run-long-gone', outcome: 'hired' });
  const consoleRow = await stack.db.query('select run_id, outcome, finished_at from checks where workflow_id = $1', [workflowId]);
  const leverCalls = stack.fake.requests.length;

  const res = await stack.deliver('candidateStageChange', stageChange(opp));
  expect(res.status).toBe(202);
  expect(await handleFor(stack, opp).result()).toMatchObject({ outcome: 'already-completed', requestId: request.id, requestStatus: 'completed' });
  // Nothing asked of Lever (no read, no write), nobody mailed, and the console still shows the concluded check.
  expect(stack.fake.requests.length).toBe(leverCalls);
  expect(stack.fake.notes(opp)).toEqual([]);
  expect(stack.catcher.messages.filter((m) => m.to.includes(candidateEmail(opp)))).toEqual([]);
  expect(await stack.db.query('select run_id, outcome, finished_at from checks where workflow_id = $1', [workflowId])).toEqual(consoleRow);

  // Within Temporal's retention the next one is answered without a run at all.
  expect(await stack.deliver('candidateStageChange', stageChange(opp))).toMatchObject({ status: 200, body: { outcome: 'already-completed' } });
});

describe('when the console changes the connection, then the very next webhook sees it', () => {
  test('a new trigger stage', async () => {
    // The ingress has read (and kept) the connection: an event for another stage is ignored.
    expect(await stack.deliver('candidateStageChange', stageChange('opp-new-stage', 'stage-offer'))).toMatchObject({ status: 200, body: { outcome: 'ignored-stage' } });
    expect(await setTriggerStage(stack.db, stack.organisationId, stack.connectionId, 'stage-offer')).toBe(true);
    try {
      expect(await stack.deliver('candidateStageChange', stageChange('opp-new-stage-2', TRIGGER_STAGE))).toMatchObject({ status: 200, body: { outcome: 'ignored-stage' } });
      const started = await stack.deliver('candidateStageChange', stageChange('opp-new-stage', 'stage-offer'));
      expect(started).toMatchObject({ status: 202, body: { outcome: 'started' } });
      await handleFor(stack, 'opp-new-stage').terminate('test: started only to prove the trigger stage applied');
    } finally {
      await setTriggerStage(stack.db, stack.organisationId, stack.connectionId, TRIGGER_STAGE);
    }
  });

  test('a rotated signing token', async () => {
    expect((await stack.deliver('candidateHired', { opportunityId: 'opp-rotation' })).status).toBe(200);
    const rotated = randomBytes(24).toString('hex');
    const old = stack.signingTokens.candidateHired;
    expect(await setWebhookTokens(stack.db, stack.box, stack.organisationId, stack.connectionId, { candidateHired: rotated })).toBe(true);
    try {
      expect((await stack.deliver('candidateHired', { opportunityId: 'opp-rotation' })).status).toBe(401);
      expect(await stack.deliver('candidateHired', { opportunityId: 'opp-rotation' }, { token: rotated })).toMatchObject({ status: 200, body: { outcome: 'no-run' } });
    } finally {
      await setWebhookTokens(stack.db, stack.box, stack.organisationId, stack.connectionId, { candidateHired: old });
    }
  });

  test('a disabled connection', async () => {
    expect(await stack.deliver('candidateStageChange', stageChange('opp-disabled', 'stage-offer'))).toMatchObject({ status: 200, body: { outcome: 'ignored-stage' } });
    expect(await setEnabled(stack.db, stack.organisationId, stack.connectionId, false)).toBe(true);
    try {
      expect(await stack.deliver('candidateStageChange', stageChange('opp-disabled'))).toMatchObject({ status: 200, body: { outcome: 'disabled' } });
      await expect(handleFor(stack, 'opp-disabled').describe()).rejects.toThrow();
    } finally {
      await setEnabled(stack.db, stack.organisationId, stack.connectionId, true);
    }
    expect(await stack.deliver('candidateStageChange', stageChange('opp-enabled-again', 'stage-offer'))).toMatchObject({ status: 200, body: { outcome: 'ignored-stage' } });
  });
});
