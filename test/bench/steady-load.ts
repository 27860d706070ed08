/**
 * P2: Lever's acknowledgement at a steady 50 stage changes a second (open loop: one every 20 ms,
 * whether or not the last was answered), beside a bare `client.workflow.start` sent at the same
 * rate at the same time, so both see the same machine, Temporal and Postgres. The runs start on
 * a task queue no worker polls: P2 measures the acknowledgement, and adds nothing to the burst the
 * workers are busy with (whose Temporal it shares, onPhaseTemporal).
 */
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { API_KEY, TRIGGER_STAGE, type Stack } from '../helpers/stack';
import { fairTo } from '../../src/reference-checks';
import { ConnectionIdKey, OpportunityIdKey, StatusKey } from '../../workflows/definitions';
import { newTaskQueue, percentile, phaseApi, type PhaseTemporal } from './kit';

export const STEADY_RATE = 50;
export type SteadyResult = { ingressP50: number; ingressP99: number; bareP50: number; bareP99: number; sent: number; refused: number };

/** Where the load goes: a Temporal, a task queue no worker polls, and the ingress in front of them. */
export type SteadyTarget = { client: Client; taskQueue: string; stageChange: (opportunityId: string) => Promise<number> };

/** The stack's own api, Temporal and task queue. */
const stackTarget = (stack: Stack): SteadyTarget => ({
  client: stack.client, taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
  stageChange: async (opportunityId) => (await stack.deliver('candidateStageChange', { opportunityId, toStageId: TRIGGER_STAGE })).status,
});

/**
 * The same, on a burst's Temporal (P2 while the workers are busy: the burst's own server is the
 * busy one): an api of its own on that Temporal, starting runs on a queue no worker polls.
 */
export async function onPhaseTemporal(stack: Stack, temporal: PhaseTemporal): Promise<SteadyTarget & { close: () => Promise<void> }> {
  const taskQueue = newTaskQueue('steady');
  const api = await phaseApi(stack, taskQueue, temporal);
  const connection = { connectionId: stack.connectionId, apiKey: API_KEY, tokens: stack.signingTokens, prefix: 'steady' };
  return { client: temporal.client, taskQueue, stageChange: (opportunityId) => api.stageChange(connection, opportunityId), close: api.close };
}

let round = 0;
export async function steadyLoad(stack: Stack, seconds: number, target: SteadyTarget = stackTarget(stack)): Promise<SteadyResult> {
  const r = round++;
  const ingress: number[] = [];
  const bare: number[] = [];
  let refused = 0;
  const timed = async (into: number[], op: () => Promise<void>) => {
    const t = performance.now();
    // A request that fails outright (a reset socket) counts as refused, not as a fast answer.
    await op().catch(() => void refused++);
    into.push(performance.now() - t);
  };
  const webhook = (i: number) => timed(ingress, async () => {
    if ((await target.stageChange(`steady-${r}-hook-${i}`)) !== 202) refused++;
  });
  const bareStart = (i: number) => timed(bare, async () => {
    const opportunityId = `steady-${r}-bare-${i}`;
    await target.client.workflow.start('referenceCheck', {
      taskQueue: target.taskQueue, workflowId: `reference-check/${stack.connectionId}/${opportunityId}`,
      args: [{}], workflowIdConflictPolicy: 'FAIL', workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY', priority: fairTo(stack.connectionId),
      typedSearchAttributes: [{ key: ConnectionIdKey, value: stack.connectionId }, { key: OpportunityIdKey, value: opportunityId }, { key: StatusKey, value: 'starting' }],
      staticSummary: `Reference check · Lever opportunity ${opportunityId}`,
    });
  });

  const total = seconds * STEADY_RATE;
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / STEADY_RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    inFlight.push(webhook(i), bareStart(i));
  }
  await Promise.all(inFlight);
  return { ingressP50: percentile(ingress, 0.5), ingressP99: percentile(ingress, 0.99), bareP50: percentile(bare, 0.5), bareP99: percentile(bare, 0.99), sent: total, refused };
}
