import { ApplicationFailure } from '@temporalio/activity';
import { OPPORTUNITY_DELETED } from '../workflows/definitions';

/**
 * How an activity says a failure is permanent. Temporal retries every error by default, so a plain
 * `Error` for a row that is gone would retry for as long as the run lives. These carry a type
 * the workflow's retry policies list as non-retryable (workflows/activities.ts); anything else
 * (a database or SMTP outage, a Lever 5xx) stays retryable.
 */

/** A record the run relies on is gone (purged, or never written): no retry brings it back. */
export class RecordNotFound extends Error {
  constructor(what: string) {
    super(`${what} not found`);
    this.name = 'RecordNotFound';
  }
}

/** The activity was called in a way that cannot work (a programming error): retrying changes nothing. */
export class InvalidActivityCall extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidActivityCall';
  }
}

/** Lever answers 404 for the candidate's opportunity: Lever deleted them. An outcome the workflow acts on. */
export const opportunityDeleted = () => ApplicationFailure.nonRetryable('Lever has no such opportunity any more (deleted)', OPPORTUNITY_DELETED);
