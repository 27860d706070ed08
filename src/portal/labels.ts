import { RELATIONSHIPS, type Relationship } from '../templates/schema';
import type { RefereeStatus } from '../db/referees';

/** Words for relationships and statuses, as the candidate and the referee read them. */
export const RELATIONSHIP_LABELS: Record<Relationship, [one: string, many: string]> = {
  manager: ['manager', 'managers'],
  peer: ['peer', 'peers'],
  'direct-report': ['direct report', 'direct reports'],
  client: ['client', 'clients'],
  other: ['other', 'others'],
};

const AS_REFEREE_SEES_IT: Record<Relationship, string> = {
  manager: 'I was their manager',
  peer: 'We were peers',
  'direct-report': 'I reported to them',
  client: 'I was their client',
  other: 'Other',
};

export type Option = { value: string; label: string };
/** For the candidate: who the referee is to them. */
export const candidateRelationshipOptions: Option[] = RELATIONSHIPS.map((r) => ({ value: r, label: RELATIONSHIP_LABELS[r][0].replace(/^./, (c) => c.toUpperCase()) }));
/** For the referee: how they worked with the candidate, in their own words. */
export const refereeRelationshipOptions: Option[] = RELATIONSHIPS.map((r) => ({ value: r, label: AS_REFEREE_SEES_IT[r] }));

/** What the candidate sees of a referee: progress only, never the answers. */
export const CANDIDATE_STATUS_LABELS: Record<RefereeStatus, string> = {
  nominated: 'invited',
  invited: 'invited',
  answered: 'answered',
  declined: 'declined',
  expired: 'expired',
  replaced: 'replaced',
};

/**
 * The role as the candidate and referees read it: the template's position when it names one
 * (a template may describe the job better than the Lever posting's internal title), else the posting's title.
 */
export const roleTitle = (r: { templateSnapshot: { position?: string } | null; postingTitle: string | null }): string | null =>
  r.templateSnapshot?.position || r.postingTitle;
