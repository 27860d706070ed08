import { checkAwaitingHire, handleFor, waitForStatus } from './helpers/journey';
import { candidateEmail, startStack, TRIGGER_STAGE, type Stack } from './helpers/stack';

/**
 * What refcheck costs in Lever's API budget (10 requests/s per key), counted at the fake Lever.
 * A posting and the account's archive reasons are read at most once per five minutes per worker;
 * the opportunity is read fresh whenever refcheck decides on it; each write is made without a
 * read first, unless an earlier attempt may have made it (lever-resilience and worker-crash tests).
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.fake.reset());

/** Each request as `METHOD /path` with the ids named, so the list reads as where the calls go. */
const calls = (names: Record<string, string>) =>
  stack.fake.requests.map((r) => `${r.method} ${Object.entries(names).reduce((path, [id, name]) => path.split(id).join(name), r.path)}`);

test('when twenty candidates on one posting enter the stage at once, then each start costs Lever at most 1.1 calls', async () => {
  stack.fake.addUser({ id: 'user-owner', name: 'Grace Hopper', email: 'grace@acme.test' });
  stack.fake.addPosting({ id: 'post-burst', text: 'Staff Engineer', tags: ['Engineering'], owner: 'user-owner' });
  const opps = Array.from({ length: 20 }, (_, i) => `opp-burst-${i}`);
  for (const id of opps) stack.fake.addOpportunity({ id, name: 'Ada Lovelace', emails: [candidateEmail(id)], stage: TRIGGER_STAGE, owner: 'user-owner', postingId: 'post-burst' });

  const delivered = await Promise.all(opps.map((opportunityId) => stack.deliver('candidateStageChange', { opportunityId, toStageId: TRIGGER_STAGE })));
  expect(delivered.map((d) => d.status)).toEqual(opps.map(() => 202));
  await Promise.all(opps.map((opp) => waitForStatus(handleFor(stack, opp), (s) => s.step === 'awaiting-nominations', 60_000)));

  // Every candidate is invited, each after Lever showed them in the stage; the posting is read once for all.
  for (const opp of opps) expect(stack.catcher.messages.filter((m) => m.to.includes(candidateEmail(opp)))).toHaveLength(1);
  const made = calls({ 'post-burst': ':posting' });
  expect(made.filter((c) => c.startsWith('GET /opportunities/'))).toHaveLength(20);
  expect(made.filter((c) => c === 'GET /postings/:posting')).toHaveLength(1);
  expect(made.length).toBeLessThanOrEqual(22);
  await Promise.all(opps.map((opp) => handleFor(stack, opp).terminate('test done')));
});

test('when a check runs from stage change to a hire Lever confirms, then it costs Lever at most 8 calls', async () => {
  const opp = stack.seedCandidate('opp-one-check');
  const { handle } = await checkAwaitingHire(stack, opp);
  stack.fake.archive(opp, 'reason-hired');
  expect((await stack.deliver('candidateHired', { opportunityId: opp })).status).toBe(202);
  expect(await handle.result()).toMatchObject({ outcome: 'hired', hireSource: 'lever-webhook', responsesReceived: 2 });

  // What the recruiter sees in Lever: one link, the report note and the hire note, the tag.
  expect(stack.fake.links(opp)).toHaveLength(1);
  expect(stack.fake.notes(opp).map((n) => n.value)).toEqual([expect.stringContaining('Reference check complete'), expect.stringContaining('Hire confirmed')]);
  expect(stack.fake.tags(opp)).toContain('refcheck: hired');

  const postingId = stack.fake.store.opportunity(opp).postingId!;
  const made = calls({ [opp]: ':opp', [postingId]: ':posting' });
  expect(made).toEqual([
    // 1-2. The start: is the candidate in the stage and not archived (never cached)? The posting's tags and title (cached 5 min).
    'GET /opportunities/:opp',
    'GET /postings/:posting',
    // 3-4. The report: its link and its note, each written once, no read first (a first attempt cannot find its own write).
    'POST /opportunities/:opp/addLinks',
    'POST /opportunities/:opp/notes',
    // 5-6. Lever's Candidate Hired webhook is a hint: the opportunity, archived; its reason typed "hired" (reasons cached 5 min).
    'GET /opportunities/:opp',
    'GET /archive_reasons',
    // 7-8. The outcome back in Lever: the note and the tag, once each.
    'POST /opportunities/:opp/notes',
    'POST /opportunities/:opp/addTags',
  ]);
  expect(made.length).toBeLessThanOrEqual(8);
});
