import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { WebhookTarget } from './db/connections';
import { TEMPORAL_CALL_DEADLINE_MS } from './temporal';
import {
  ConnectionIdKey, OpportunityIdKey, StatusKey, candidateNominated, candidateStopped, hireDecided, referenceCheckWorkflowId, refereeReplaced,
  refereeResponded, refereeWorkflowId, requestCompleted,
  type HireDecidedSignal, type NominationSignal, type ReferenceCheckInput, type RefereeRespondedSignal, type ReplacementSignal,
  type RequestCompletedSignal, type StopSignal,
} from '../workflows/definitions';
import type { referenceCheck } from '../workflows/reference-check';

/**
 * What refcheck asks of Temporal, for the ingress and the pages. Each call returns only once
 * Temporal has durably accepted the start or signal; errors other than the expected ones
 * (already started, not found) mean Temporal is unreachable and surface as 503 upstream.
 */
export type StartOutcome = 'started' | 'duplicate' | 'already-completed' | 'restarted';
export type SignalOutcome = 'signalled' | 'no-run';

/** A run that ended this way may be started again by a new stage change: nothing was done for the candidate. */
const RERUNNABLE = new Set(['stale-trigger', 'no-template']);

export class ReferenceChecks {
  constructor(private readonly client: Client, private readonly taskQueue: string) {}

  async start(target: WebhookTarget, opportunityId: string, triggeredAt: number): Promise<{ outcome: StartOutcome; workflowId: string }> {
    const workflowId = referenceCheckWorkflowId(target.id, opportunityId);
    const input: ReferenceCheckInput = {
      connectionId: target.id, opportunityId, triggerStageId: target.triggerStageId, triggeredAt,
      hireConfirmationDelaySeconds: target.hireConfirmationDelaySeconds, ownerAnswerTimeoutSeconds: target.ownerAnswerTimeoutSeconds,
      hireSync: target.hireSync,
    };
    const start = (reuse: 'ALLOW_DUPLICATE_FAILED_ONLY' | 'ALLOW_DUPLICATE') =>
      this.withDeadline(() =>
        this.client.workflow.start<typeof referenceCheck>('referenceCheck', {
          taskQueue: this.taskQueue,
          workflowId,
          args: [input],
          // FAIL (not USE_EXISTING) so a duplicate is told apart from a start; failed or cancelled runs may run again.
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: reuse,
          typedSearchAttributes: [
            { key: ConnectionIdKey, value: target.id },
            { key: OpportunityIdKey, value: opportunityId },
            { key: StatusKey, value: 'starting' },
          ],
          staticSummary: `Reference check · Lever opportunity ${opportunityId}`,
          staticDetails: `Connection **${target.id}**, trigger stage \`${target.triggerStageId}\`, stage change at ${new Date(triggeredAt).toISOString()}.`,
        }),
      );
    try {
      await start('ALLOW_DUPLICATE_FAILED_ONLY');
      return { outcome: 'started', workflowId };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    const existing = await this.withDeadline(() => this.client.workflow.getHandle(workflowId).describe());
    if (existing.status.name === 'RUNNING') return { outcome: 'duplicate', workflowId };
    if (!RERUNNABLE.has(String(existing.typedSearchAttributes.get(StatusKey)))) return { outcome: 'already-completed', workflowId };
    try {
      await start('ALLOW_DUPLICATE');
      return { outcome: 'restarted', workflowId };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { outcome: 'duplicate', workflowId };
      throw err;
    }
  }

  async hired(connectionId: string, opportunityId: string, signal: HireDecidedSignal): Promise<SignalOutcome> {
    return this.signal(referenceCheckWorkflowId(connectionId, opportunityId), (h) => h.signal(hireDecided, signal));
  }

  /** Lever archived or deleted the candidate. */
  async stopped(connectionId: string, opportunityId: string, signal: StopSignal): Promise<SignalOutcome> {
    return this.signal(referenceCheckWorkflowId(connectionId, opportunityId), (h) => h.signal(candidateStopped, signal));
  }

  async answerHire(workflowId: string, signal: HireDecidedSignal): Promise<SignalOutcome> {
    return this.signal(workflowId, (h) => h.signal(hireDecided, signal));
  }

  async completeRequest(workflowId: string, signal: RequestCompletedSignal): Promise<SignalOutcome> {
    return this.signal(workflowId, (h) => h.signal(requestCompleted, signal));
  }

  /** The candidate's page: referees named (already stored). */
  async nominated(workflowId: string, signal: NominationSignal): Promise<SignalOutcome> {
    return this.signal(workflowId, (h) => h.signal(candidateNominated, signal));
  }

  /** The candidate's page: a silent referee replaced (both already stored). */
  async replaced(workflowId: string, signal: ReplacementSignal): Promise<SignalOutcome> {
    return this.signal(workflowId, (h) => h.signal(refereeReplaced, signal));
  }

  /** The referee's page: answered or declined (already stored). */
  async refereeResponded(refereeId: string, signal: RefereeRespondedSignal): Promise<SignalOutcome> {
    return this.signal(refereeWorkflowId(refereeId), (h) => h.signal(refereeResponded, signal));
  }

  private async signal(workflowId: string, send: (h: ReturnType<Client['workflow']['getHandle']>) => Promise<void>): Promise<SignalOutcome> {
    try {
      await this.withDeadline(() => send(this.client.workflow.getHandle(workflowId)));
      return 'signalled';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return 'no-run';
      throw err;
    }
  }

  private withDeadline<T>(fn: () => Promise<T>): Promise<T> {
    return this.client.withDeadline(Date.now() + TEMPORAL_CALL_DEADLINE_MS, fn);
  }
}
