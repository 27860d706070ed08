import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { WebhookTarget } from './db/connections';
import { TEMPORAL_CALL_DEADLINE_MS } from './temporal';
import {
  ConnectionIdKey, OpportunityIdKey, StatusKey, candidateDeletionWorkflowId, candidateNominated, checkCancelled, hireDecided, leverHint,
  referenceCheckWorkflowId, refereeReplaced, refereeResponded, refereeWorkflowId, resendCandidateInvitation, resendRefereeInvitation,
  type CandidateDeletionInput, type HireDecidedSignal, type LeverHint, type NominationSignal, type ReferenceCheckInput, type RefereeRespondedSignal,
  type ReplacementSignal,
} from '../workflows/definitions';
import type { candidateDeletion } from '../workflows/candidate-deletion';
import type { referenceCheck } from '../workflows/reference-check';
import { prospectExportWorkflowId, prospectWorkflowId, type ProspectExportInput, type ProspectInput } from '../workflows/prospects';
import type { prospectExport, prospectOptIn } from '../workflows/prospects';

/**
 * What refcheck asks of Temporal, for the ingress, the pages and the console. Each call returns
 * only once Temporal has durably accepted the start or signal; errors other than the expected ones
 * (already started, not found) mean Temporal is unreachable and surface as 503 upstream.
 */
export type StartOutcome = 'started' | 'duplicate' | 'already-completed' | 'restarted';
export type RestartOutcome = 'restarted' | 'running' | 'not-restartable';
export type SignalOutcome = 'signalled' | 'no-run';
/** Who starts a run: Lever's stage change, or an account in the console (`console:<accountId>`, skipping the stage check). */
export type StartOptions = { startedBy: string; manual: boolean };

/**
 * A run that ended this way may be started again by a new stage change: nothing was done for the
 * candidate (a confidential candidate too, once the connection has a key with confidential access;
 * a deleted one kept nothing, and a new run reads Lever before doing anything). Not `already-completed`:
 * that run found the check concluded, and so would the next; the console restarts an expired one.
 */
const RERUNNABLE = new Set(['stale-trigger', 'no-template', 'confidential-no-access', 'deleted']);
/** ...and from the console also one cancelled there (the console asks for a restart on purpose). */
const RESTARTABLE_OUTCOMES = new Set([...RERUNNABLE, 'cancelled']);
const RESTARTABLE_STATUSES = new Set(['FAILED', 'TERMINATED', 'CANCELLED', 'TIMED_OUT']);

/**
 * Each connection's runs share one fairness key, and their activities and child runs inherit it:
 * Temporal's matching then hands out queued tasks round-robin across connections (weight 1 each),
 * so one organisation's burst of a thousand candidates does not queue another's behind it. Within
 * a connection tasks stay in arrival order. Needs `matching.enableFairness` on the server (the dev
 * server is started with it; docker-compose.yml's dynamic config sets it); without it the key is ignored.
 */
export const fairTo = (connectionId: string) => ({ fairnessKey: connectionId });

type ConnectionSettings = Pick<WebhookTarget, 'id' | 'triggerStageId' | 'hireConfirmationDelaySeconds' | 'ownerAnswerTimeoutSeconds' | 'hireSync'>;

export class ReferenceChecks {
  constructor(private readonly client: Client, private readonly taskQueue: string) {}

  /**
   * Starts a candidate's check, once: a duplicate is told apart from a start, a completed check is
   * not re-run, and one that ended stale-trigger, no-template or confidential-no-access starts afresh.
   * One Temporal call for a new candidate: a check concluded long ago (Temporal has forgotten its run)
   * is told apart by the run's first step, which ends it `already-completed`.
   */
  async start(target: ConnectionSettings, opportunityId: string, triggeredAt: number, options: StartOptions = { startedBy: 'lever-webhook', manual: false }): Promise<{ outcome: StartOutcome; workflowId: string }> {
    const workflowId = referenceCheckWorkflowId(target.id, opportunityId);
    try {
      await this.startRun(target, opportunityId, triggeredAt, options, 'ALLOW_DUPLICATE_FAILED_ONLY');
      return { outcome: 'started', workflowId };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    const existing = await this.withDeadline(() => this.client.workflow.getHandle(workflowId).describe());
    if (existing.status.name === 'RUNNING') return { outcome: 'duplicate', workflowId };
    if (!RERUNNABLE.has(String(existing.typedSearchAttributes.get(StatusKey)))) return { outcome: 'already-completed', workflowId };
    try {
      await this.startRun(target, opportunityId, triggeredAt, options, 'ALLOW_DUPLICATE');
      return { outcome: 'restarted', workflowId };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { outcome: 'duplicate', workflowId };
      throw err;
    }
  }

  /**
   * From the console: a new run for a check whose last run failed (or was terminated), was
   * cancelled, ended stale-trigger, no-template or confidential-no-access, or whose request expired. It is a manual start:
   * Lever's stage is not checked. When Temporal has forgotten the last run (past the namespace's
   * retention) it cannot say how it ended: the console decides from its `checks` row, and the run starts.
   */
  async restart(target: ConnectionSettings, opportunityId: string, startedBy: string): Promise<{ outcome: RestartOutcome; workflowId: string }> {
    const workflowId = referenceCheckWorkflowId(target.id, opportunityId);
    const handle = this.client.workflow.getHandle<typeof referenceCheck>(workflowId);
    const last = await this.withDeadline(() => handle.describe()).catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    });
    if (last?.status.name === 'RUNNING') return { outcome: 'running', workflowId };
    if (last && !RESTARTABLE_STATUSES.has(last.status.name)) {
      const ended = String(last.typedSearchAttributes.get(StatusKey));
      const expired = last.status.name === 'COMPLETED' && (await this.withDeadline(() => handle.result())).requestStatus === 'expired';
      if (!RESTARTABLE_OUTCOMES.has(ended) && !expired) return { outcome: 'not-restartable', workflowId };
    }
    try {
      await this.startRun(target, opportunityId, Date.now(), { startedBy, manual: true }, 'ALLOW_DUPLICATE');
      return { outcome: 'restarted', workflowId };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { outcome: 'running', workflowId };
      throw err;
    }
  }

  /** From the console (`by`: the account id): referees still waiting are called off, or the hire wait ends. */
  async cancel(connectionId: string, opportunityId: string, by: string): Promise<SignalOutcome> {
    return this.signal(referenceCheckWorkflowId(connectionId, opportunityId), (h) => h.signal(checkCancelled, { by }));
  }

  /** From the console (`by`: the account id): the same decision as the owner's answer, applied at the hire step. */
  async markHired(connectionId: string, opportunityId: string, hired: boolean, by: string): Promise<SignalOutcome> {
    return this.signal(referenceCheckWorkflowId(connectionId, opportunityId), (h) => h.signal(hireDecided, { hired, source: 'console', by }));
  }

  /** From the console: the candidate's invitation again (while their request is open; otherwise the run ignores it). */
  async resendCandidateInvitation(workflowId: string): Promise<SignalOutcome> {
    return this.signal(workflowId, (h) => h.signal(resendCandidateInvitation));
  }

  /** From the console: a referee's invitation again (while they are awaited; otherwise their run ignores it). */
  async resendRefereeInvitation(refereeId: string): Promise<SignalOutcome> {
    return this.signal(refereeWorkflowId(refereeId), (h) => h.signal(resendRefereeInvitation));
  }

  /** Lever's webhook says the candidate was hired, archived or deleted: the run confirms it with Lever before acting. */
  async leverHint(connectionId: string, opportunityId: string, hint: LeverHint): Promise<SignalOutcome> {
    return this.signal(referenceCheckWorkflowId(connectionId, opportunityId), (h) => h.signal(leverHint, hint));
  }

  /**
   * Lever's webhook says a candidate was deleted and no run is left to hear it: a small run reads
   * Lever and purges what refcheck kept only if Lever no longer has the opportunity. One at a time
   * per candidate (a duplicate lands on the running one); a later delivery may read Lever again.
   */
  async confirmDeletion(connectionId: string, opportunityId: string): Promise<{ workflowId: string }> {
    const workflowId = candidateDeletionWorkflowId(connectionId, opportunityId);
    const input: CandidateDeletionInput = { connectionId, opportunityId };
    await this.withDeadline(() =>
      this.client.workflow.start<typeof candidateDeletion>('candidateDeletion', {
        taskQueue: this.taskQueue,
        workflowId,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        priority: fairTo(connectionId),
        typedSearchAttributes: [{ key: ConnectionIdKey, value: connectionId }, { key: OpportunityIdKey, value: opportunityId }],
        staticSummary: `Deletion check · Lever opportunity ${opportunityId}`,
      }),
    );
    return { workflowId };
  }

  async answerHire(workflowId: string, signal: HireDecidedSignal): Promise<SignalOutcome> {
    return this.signal(workflowId, (h) => h.signal(hireDecided, signal));
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

  /** From the console: every prospect of the connection not yet in Lever; one export per connection at a time. */
  async startProspectExport(input: ProspectExportInput): Promise<{ outcome: 'started' | 'running'; workflowId: string }> {
    const workflowId = prospectExportWorkflowId(input.connectionId);
    try {
      await this.withDeadline(() =>
        this.client.workflow.start<typeof prospectExport>('prospectExport', {
          taskQueue: this.taskQueue,
          workflowId,
          args: [input],
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
          priority: fairTo(input.connectionId),
          typedSearchAttributes: [{ key: ConnectionIdKey, value: input.connectionId }],
          staticSummary: `Prospect export · connection ${input.connectionId}`,
          staticDetails: `Every prospect of connection **${input.connectionId}** not yet in Lever, as Lever user \`${input.performAs}\`; started by ${input.startedBy}.`,
        }),
      );
      return { outcome: 'started', workflowId };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { outcome: 'running', workflowId };
      throw err;
    }
  }

  /** Whether the connection's export runs now (false when none ever ran or Temporal has forgotten it). */
  async prospectExportRunning(connectionId: string): Promise<boolean> {
    try {
      return (await this.withDeadline(() => this.client.workflow.getHandle(prospectExportWorkflowId(connectionId)).describe())).status.name === 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  /** The referee's page: they answered and opted in to hear about jobs (stored). Started once per referee. */
  async prospectOptedIn(input: ProspectInput): Promise<'started' | 'duplicate'> {
    try {
      await this.withDeadline(() =>
        this.client.workflow.start<typeof prospectOptIn>('prospectOptIn', {
          taskQueue: this.taskQueue,
          workflowId: prospectWorkflowId(input.refereeId),
          args: [input],
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          priority: fairTo(input.connectionId),
          typedSearchAttributes: [{ key: ConnectionIdKey, value: input.connectionId }],
          staticSummary: `Prospect · referee ${input.refereeId}`,
        }),
      );
      return 'started';
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return 'duplicate';
      throw err;
    }
  }

  private async startRun(target: ConnectionSettings, opportunityId: string, triggeredAt: number, options: StartOptions, reuse: 'ALLOW_DUPLICATE_FAILED_ONLY' | 'ALLOW_DUPLICATE') {
    const input: ReferenceCheckInput = {
      connectionId: target.id, opportunityId, triggerStageId: target.triggerStageId, triggeredAt,
      hireConfirmationDelaySeconds: target.hireConfirmationDelaySeconds, ownerAnswerTimeoutSeconds: target.ownerAnswerTimeoutSeconds,
      hireSync: target.hireSync, startedBy: options.startedBy, manual: options.manual,
    };
    const how = options.manual ? `started by ${options.startedBy}` : `trigger stage \`${target.triggerStageId}\`, stage change`;
    await this.withDeadline(() =>
      this.client.workflow.start<typeof referenceCheck>('referenceCheck', {
        taskQueue: this.taskQueue,
        workflowId: referenceCheckWorkflowId(target.id, opportunityId),
        args: [input],
        // FAIL (not USE_EXISTING) so a duplicate is told apart from a start; failed or cancelled runs may run again.
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: reuse,
        priority: fairTo(target.id),
        typedSearchAttributes: [
          { key: ConnectionIdKey, value: target.id },
          { key: OpportunityIdKey, value: opportunityId },
          { key: StatusKey, value: 'starting' },
        ],
        staticSummary: `Reference check · Lever opportunity ${opportunityId}`,
        staticDetails: `Connection **${target.id}**, ${how} at ${new Date(triggeredAt).toISOString()}.`,
      }),
    );
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
