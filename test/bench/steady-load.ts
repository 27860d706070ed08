/**
 * P2: Lever's acknowledgement at a steady 50 stage changes a second (open loop: one every 20 ms,
 * whether or not the last was answered), beside a bare `client.workflow.start` sent at the same
 * rate at the same time, so both see the same machine, Temporal and Postgres. The runs start on
 * the stack's own task queue, which no worker polls: P2 measures the acknowledgement, and adds
 * nothing to the burst the workers are busy with.
 */
import { performance } from 'node:perf_hooks';
import { TRIGGER_STAGE, type Stack } from '../helpers/stack';
import { fairTo } from '../../src/reference-checks';
import { ConnectionIdKey, OpportunityIdKey, StatusKey } from '../../workflows/definitions';
import { percentile } from './kit';

export const STEADY_RATE = 50;
export type SteadyResult = { ingressP50: number; ingressP99: number; bareP50: number; bareP99: number; sent: number; refused: number };

let round = 0;
export async function steadyLoad(stack: Stack, seconds: number): Promise<SteadyResult> {
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
    const res = await stack.deliver('candidateStageChange', { opportunityId: `steady-${r}-hook-${i}`, toStageId: TRIGGER_STAGE });
    if (res.status !== 202) refused++;
  });
  const bareStart = (i: number) => timed(bare, async () => {
    const opportunityId = `steady-${r}-bare-${i}`;
    await stack.client.workflow.start('referenceCheck', {
      taskQueue: stack.config.TEMPORAL_TASK_QUEUE, workflowId: `reference-check/${stack.connectionId}/${opportunityId}`,
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
