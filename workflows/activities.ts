import { ActivityFailure, ApplicationFailure, proxyActivities, proxyLocalActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { leverTaskQueue, OPPORTUNITY_DELETED, PERMANENT_ERROR_TYPES } from './definitions';

/**
 * Activity stubs, proxied once. Lever calls retry with backoff for as long as Lever is down
 * (429/5xx); permanent Lever errors arrive as non-retryable failures and fail the step. Every
 * policy lists the failure types no retry can fix (a record that is gone, a call that cannot work):
 * a plain error is retried, as a database or SMTP outage should be.
 * The rate limiter may hold a call for a while when many candidates move at once, hence 2 minutes;
 * the activity heartbeats meanwhile, so a worker that dies mid-call is noticed within 15 s.
 * They run on the Lever task queue beside the run's own (leverTaskQueue), named from the run's
 * queue at each call: module state is shared by every run a worker holds.
 */
export const lever = () => onLeverQueue({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: PERMANENT_ERROR_TYPES },
});

/** Activities that call Lever, scheduled on the Lever task queue of the calling run's queue. */
export const onLeverQueue = (options: ActivityOptions) => proxyActivities<Activities>({ ...options, taskQueue: leverTaskQueue(workflowInfo().taskQueue) });

export const local = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: PERMANENT_ERROR_TYPES },
});

/**
 * Asking whether the candidate's page has committed what it signalled: every two seconds at most,
 * so referees are invited as soon as it has (the activity gives up by itself after ten minutes).
 */
export const nominations = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '2 seconds', nonRetryableErrorTypes: PERMANENT_ERROR_TYPES },
});

/**
 * Temporal local activities: run by the worker inside the workflow task, without a round trip
 * through the task queue. Only for quick, idempotent Postgres work: the console's `checks` row,
 * the template pick and the request (keyed by the run, so a repeat gets the same one).
 */
export const localActivities = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: PERMANENT_ERROR_TYPES },
});

/** Resends from the console: a few attempts, then given up (the handler logs it), so a resend never holds a run open. */
export const resend = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 5, nonRetryableErrorTypes: PERMANENT_ERROR_TYPES },
});

/**
 * Texts: a provider outage is retried for a few minutes, then given up (the workflow logs it and
 * goes on): the mail carries the same invitation, and a text hours late is worse than none.
 */
export const texts = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8, nonRetryableErrorTypes: PERMANENT_ERROR_TYPES },
});

/**
 * The report PDF: a Chromium render (one to two seconds, heartbeating) and one Lever upload.
 * Optional, so a Lever outage or a Chromium that will not start is retried for about four
 * minutes, then given up: the workflow records it as failed and the check goes on. On the Lever
 * queue: the upload waits for the connection's Lever budget like any other call.
 */
export const reportPdf = () => onLeverQueue({
  startToCloseTimeout: '3 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10, nonRetryableErrorTypes: PERMANENT_ERROR_TYPES },
});

/** A step failed because Lever answered 404 for the candidate's opportunity: Lever deleted them. An outcome, not a failure. */
export const isOpportunityDeleted = (err: unknown): boolean =>
  err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === OPPORTUNITY_DELETED;
