import type { RefereeResponse } from './definitions';

/** "Reference check complete: 3 of 3 references, average 4.4/5" — the line recruiters see in Lever. */
export function summaryLine(status: 'completed' | 'expired', responses: RefereeResponse[], required: number): string {
  const head = status === 'completed' ? 'Reference check complete' : 'Reference check closed at its deadline';
  const ratings = responses.flatMap((r) => r.answers.map((a) => a.rating).filter((x): x is number => typeof x === 'number'));
  const average = ratings.length ? `, average ${(ratings.reduce((a, b) => a + b, 0) / ratings.length).toFixed(1)}/5` : '';
  return `${head}: ${responses.length} of ${required} reference${required === 1 ? '' : 's'}${average}`;
}

/** Markers let a retried Lever write find its own earlier attempt. */
export const reportMarker = (requestId: string) => `[refcheck:${requestId}:report]`;
export const hireMarker = (requestId: string) => `[refcheck:${requestId}:hire]`;
export const noTemplateMarker = (opportunityId: string, triggeredAt: number) => `[refcheck:${opportunityId}:${triggeredAt}:no-template]`;
export const stoppedMarker = (requestId: string) => `[refcheck:${requestId}:stopped]`;
