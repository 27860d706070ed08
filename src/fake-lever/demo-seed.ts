import type { FakeLever } from './server';

/** The ids the demo (and its instructions) refer to. */
export const DEMO = {
  userId: 'user-grace',
  postingId: 'posting-staff-engineer',
  opportunityId: 'opp-ada',
  /** The stage a customer would configure refcheck to trigger on. */
  triggerStageId: 'stage-refcheck',
} as const;

/** One posting tagged "Engineering", its owner, and one candidate waiting in "New applicant". */
export function seedDemo(fake: FakeLever): typeof DEMO {
  fake.addUser({ id: DEMO.userId, name: 'Grace Hopper', email: 'grace@example.com' });
  fake.addPosting({ id: DEMO.postingId, text: 'Staff Engineer', tags: ['Engineering'], owner: DEMO.userId });
  fake.addOpportunity({
    id: DEMO.opportunityId,
    name: 'Ada Lovelace',
    emails: ['ada@example.com'],
    stage: 'stage-new',
    owner: DEMO.userId,
    postingId: DEMO.postingId,
  });
  return DEMO;
}
