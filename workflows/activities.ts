import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

/**
 * Activity stubs, proxied once. Lever calls retry with backoff for as long as Lever is down
 * (429/5xx); permanent Lever errors arrive as non-retryable failures and fail the step.
 * The rate limiter may hold a call for a while when many candidates move at once, hence 2 minutes;
 * the activity heartbeats meanwhile, so a worker that dies mid-call is noticed within 15 s.
 */
export const lever = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export const local = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
