import { isGrpcServiceError, ServiceError } from '@temporalio/client';
import { isDatabaseOutage } from '../db/errors';

/**
 * Whether an error means a backing service is down (Postgres unreachable, Temporal unavailable):
 * only then is 503 the answer, which tells Lever to retry. Anything else (a query Postgres refused,
 * a bug) fails the same way on every retry and is a 500, not a false outage.
 */
export function isOutage(err: unknown): boolean {
  return isDatabaseOutage(err) || err instanceof ServiceError || isGrpcServiceError(err);
}
