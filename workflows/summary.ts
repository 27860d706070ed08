/** Markers let a retried Lever write find its own earlier attempt. */
export const reportMarker = (requestId: string) => `[refcheck:${requestId}:report]`;
export const hireMarker = (requestId: string) => `[refcheck:${requestId}:hire]`;
export const noTemplateMarker = (opportunityId: string, triggeredAt: number) => `[refcheck:${opportunityId}:${triggeredAt}:no-template]`;
/** One per request whichever way it stopped (archived in Lever or cancelled in the console): the first stop stands. */
export const stoppedMarker = (requestId: string) => `[refcheck:${requestId}:stopped]`;
