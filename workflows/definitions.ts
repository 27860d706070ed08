import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';

/**
 * The contract of the reference-check workflow: ids, messages, search attributes, input and result.
 * Imported by the workflow, the ingress, the pages and the tests; only Temporal's pure packages here.
 */

/** One run per Lever opportunity per connection: duplicated or retried webhooks land on it. */
/**
 * Lever calls have a task queue of their own beside each refcheck queue: a call waiting for its
 * connection's Lever budget holds a slot of the worker's Lever pool, never one that a mail or a
 * database step needs, so a burst's queue of Lever reads does not hold up the invitations of the
 * candidates already read. Temporal keeps the calls beyond the pool in arrival order (per connection,
 * fairly across connections), which is what makes a burst first come, first served.
 */
export const leverTaskQueue = (taskQueue: string) => `${taskQueue}-lever`;

export const referenceCheckWorkflowId = (connectionId: string, opportunityId: string) => `reference-check/${connectionId}/${opportunityId}`;

/* Search attributes: ids and status only, never personal data (they are not encrypted). */
export const ConnectionIdKey = defineSearchAttributeKey('RefcheckConnectionId', SearchAttributeType.KEYWORD);
export const OpportunityIdKey = defineSearchAttributeKey('RefcheckOpportunityId', SearchAttributeType.KEYWORD);
export const StatusKey = defineSearchAttributeKey('RefcheckStatus', SearchAttributeType.KEYWORD);
/** For `temporal server start-dev --search-attribute` and `temporal operator search-attribute create`. */
export const SEARCH_ATTRIBUTES = [ConnectionIdKey, OpportunityIdKey, StatusKey].map((k) => ({ name: k.name, type: 'Keyword' }));

export type HireSync = 'note-and-tag' | 'archive-as-hired';

export type ReferenceCheckInput = {
  connectionId: string;
  opportunityId: string;
  /** null: the connection has no trigger stage yet (only console starts, which skip the stage check) */
  triggerStageId: string | null;
  /** Lever's triggeredAt of the stage change that started the run (epoch ms). */
  triggeredAt: number;
  hireConfirmationDelaySeconds: number;
  ownerAnswerTimeoutSeconds: number;
  hireSync: HireSync;
  /** who started the run: 'lever-webhook', or 'console:<accountId>' (an id, never a name) */
  startedBy: string;
  /** started from the console rather than by a stage change: Lever's stage is not checked (archived still ends it) */
  manual: boolean;
};

export type Step =
  | 'confirming-trigger'
  | 'opening-request'
  | 'awaiting-nominations'
  | 'awaiting-referees'
  | 'publishing-report'
  | 'awaiting-hire-outcome'
  | 'awaiting-owner-answer'
  | 'recording-hire-outcome'
  | 'done';

/**
 * `confidential-no-access`: Lever refused the candidate as confidential to a key without confidential access.
 * `already-completed`: a stage change for a candidate whose check already ran to its end; the run did nothing
 * (no console row, no Lever call, no mail) and its result carries the concluded request's id and status.
 */
export type Outcome =
  | 'stale-trigger' | 'no-template' | 'confidential-no-access' | 'hired' | 'not-hired' | 'hire-unconfirmed' | 'archived' | 'deleted' | 'cancelled'
  | 'already-completed';
/** What the console's `checks` row records: the run's outcome, or 'failed' when it ended with an error. */
export type CheckOutcome = Outcome | 'failed';

export type HireSource = 'lever-webhook' | 'lever-archive' | 'owner-link' | 'owner-reply' | 'console';
/** `by`: the console account that marked it (an id), for the record; absent for Lever and the owner. */
export type HireDecidedSignal = { hired: boolean; source: HireSource; by?: string };

/** From the console (`by`: the account id): the check stops; authenticated, so taken at its word. */
export type CancelSignal = { by: string };
export const checkCancelled = defineSignal<[CancelSignal]>('checkCancelled');
export const hireDecided = defineSignal<[HireDecidedSignal]>('hireDecided');

/**
 * Lever's webhook said the candidate was hired, archived or deleted. Lever signs only the envelope,
 * not the data, so this is a hint: the run reads the opportunity in Lever and acts only on what
 * Lever shows (archived with a hired reason; archived; gone).
 */
export type LeverHint = { event: 'hired' | 'archived' | 'deleted' };
export const leverHint = defineSignal<[LeverHint]>('leverHint');
/** From the console: mail the candidate their invitation again (each signal mails once). */
export const resendCandidateInvitation = defineSignal<[]>('resendCandidateInvitation');

export type ReferenceCheckStatus = {
  step: Step;
  requestId?: string;
  templateName?: string;
  requestStatus?: 'open' | 'completed' | 'expired' | 'cancelled';
  responsesReceived?: number;
  requiredReferences?: number;
  hire?: HireDecidedSignal;
  outcome?: Outcome;
};
export const statusQuery = defineQuery<ReferenceCheckStatus>('status');

export type ReferenceCheckResult = {
  outcome: Outcome;
  requestId?: string;
  requestStatus?: 'completed' | 'expired' | 'cancelled';
  responsesReceived: number;
  requiredReferences?: number;
  hireSource?: HireSource;
  startedAt: string;
  finishedAt: string;
};

/** Lever said the candidate was deleted and no run was left to hear it: one small run reads Lever, then purges. */
export const candidateDeletionWorkflowId = (connectionId: string, opportunityId: string) => `candidate-deletion/${connectionId}/${opportunityId}`;
export type CandidateDeletionInput = { connectionId: string; opportunityId: string };
export type CandidateDeletionResult = { outcome: 'purged' | 'unconfirmed' };

/** Failure types no retry can fix (activities/errors.ts throws them): listed in every retry policy. */
export const PERMANENT_ERROR_TYPES = ['RecordNotFound', 'InvalidActivityCall'];
/** An activity's failure type when Lever answers 404 for the candidate's opportunity: Lever deleted them. */
export const OPPORTUNITY_DELETED = 'OpportunityDeleted';

/* ---- The reference portal (candidate nominations, one child workflow per referee) ---- */

export const refereeWorkflowId = (refereeId: string) => `referee/${refereeId}`;

/**
 * The candidate consented and named referees. The page signals inside the transaction that stores
 * them, so the ids say what it tried, for support reading the history: the run invites what committed.
 */
export type NominationSignal = { requestId: string; refereeIds: string[] };
/** The candidate replaced a silent referee with a new one (signalled like a nomination). */
export type ReplacementSignal = { requestId: string; oldRefereeId: string; newRefereeId: string };
export const candidateNominated = defineSignal<[NominationSignal]>('candidateNominated');
export const refereeReplaced = defineSignal<[ReplacementSignal]>('refereeReplaced');

/** Sent to a referee's workflow by their page once the answer or decline is stored. */
export type RefereeRespondedSignal = { outcome: 'answered' | 'declined' };
export const refereeResponded = defineSignal<[RefereeRespondedSignal]>('refereeResponded');
/** From the parent: the request concluded or the referee was replaced; stop reminding. */
export const refereeWithdrawn = defineSignal<[]>('refereeWithdrawn');
/** From the console: mail this referee their invitation again (each signal mails once). */
export const resendRefereeInvitation = defineSignal<[]>('resendRefereeInvitation');

export type QuietHours = { start: string; end: string; timeZone: string } | null;
export type ReminderPlan = { intervalSeconds: number; maxCount: number; quietHours: QuietHours };

export type RefereeInput = {
  requestId: string; refereeId: string; reminders: ReminderPlan; deadlineSeconds: number;
  /** the template turns texts on: each invitation and reminder is also texted, to a usable number */
  sms: boolean;
};
export type RefereeOutcome = 'answered' | 'declined' | 'expired' | 'withdrawn';
export type RefereeResult = { refereeId: string; outcome: RefereeOutcome; remindersSent: number };
export type RefereeStatus = { step: 'inviting' | 'awaiting-answer' | 'done'; remindersSent: number; outcome?: RefereeOutcome; nextReminderAt?: string };
export const refereeStatusQuery = defineQuery<RefereeStatus>('refereeStatus');

/** What the workflow needs of a template to run the portal (the rest stays in the database). */
export type PortalPlan = {
  reminders: ReminderPlan;
  candidateDeadlineSeconds: number;
  refereeDeadlineSeconds: number;
  conclusion: { rule: 'all-required' } | { rule: 'minimum'; minimum: number };
  /** the template names a hiring manager, who gets the report link once it is published */
  hiringManager: boolean;
  /** the template turns texts on beside the mails */
  sms: boolean;
};
