import { checkActivities } from './checks';
import type { ActivityDeps } from './deps';
import { emailActivities } from './email';
import { leverActivities } from './lever';
import { portalActivities } from './portal';
import { prospectActivities } from './prospects';
import { recordActivities } from './records';
import { reportPdfActivities } from './report-pdf';
import { retentionActivities } from './retention';
import { textActivities } from './texts';

/** The worker's activities, built from their dependencies; the workflow proxies this type. */
export function createActivities(deps: ActivityDeps) {
  return { ...checkActivities(deps), ...leverActivities(deps), ...recordActivities(deps), ...emailActivities(deps), ...portalActivities(deps), ...prospectActivities(deps), ...textActivities(deps), ...reportPdfActivities(deps), ...retentionActivities(deps) };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from './deps';
