import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

/**
 * Activity stubs, proxied once. Lever calls retry with backoff for as long as Lever is down
 * (429/5xx); permanent Lever errors arrive as non-retryable failures and fail the step.
 * The rate limiter may hold a call for a while when many candidates move at once, hence 2 minutes.
 */
export const lever = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export const local = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
