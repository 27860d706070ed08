import { candidateNominated, OpportunityIdKey, statusQuery } from '../workflows/definitions';
import { giveReferences, handleFor, linkIn, startCheck, until, waitForStatus } from './helpers/journey';
import { candidateEmail, startStack, type Stack } from './helpers/stack';

/**
 * A candidate's whole journey on real parts: Lever's webhook in, the invitation mail, the
 * candidate's and referees' pages (over HTTP here; in Chromium in browser.test.ts), the report
 * link and note in (fake) Lever, then the hire outcome by Lever's own webhook. The
 * owner-asking paths are in hire-confirmation.test.ts.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    templates: [
      { name: 'Engineering references', atsTag: '  ENGINEERING ', isDefault: false },
      { name: 'Standard', atsTag: null, isDefault: true },
    ],
  });
});
afterAll(() => stack.close());

test('when a candidate enters the stage and references come in, then Lever gets one link and one note, and the hire webhook ends the run as hired', async () => {
  const opp = stack.seedCandidate('opp-journey', ['Engineering']);
  const { handle, requestId } = await startCheck(stack, opp);

  // The candidate is invited by mail, with a personal link that opens their page.
  const invitation = await stack.catcher.waitFor((m) => m.to.includes(candidateEmail(opp)));
  expect(invitation.subject).toBe('Acme Test: please name your referees');
  expect(invitation.text).toContain('Staff Engineer');
  const candidatePage = await fetch(linkIn(invitation.text, 'candidate')!);
  expect(candidatePage.status).toBe(200);
  expect(await candidatePage.text()).toContain('Ada Lovelace');

  // Support finds the run by ids; search attributes carry no personal data.
  const described = await handle.describe();
  expect(JSON.stringify(described.searchAttributes)).not.toMatch(/Ada|Lovelace|candidate\.test|ada\./);
  expect(described.typedSearchAttributes.get(OpportunityIdKey)).toBe(opp);

  // The posting's tag picked the tagged template, whatever its case and spacing.
  expect((await handle.query('status')) as { templateName: string }).toMatchObject({ templateName: 'Engineering references' });

  // The candidate names two referees; both answer; the workflow publishes to Lever.
  await giveReferences(stack, opp);
  expect(requestId).toMatch(/^rq_/);
  // Support's query by opportunity id finds the candidate's run and each referee's.
  const runs = async () => {
    const types: string[] = [];
    for await (const w of stack.client.workflow.list({ query: `RefcheckOpportunityId = '${opp}'` })) types.push(w.type);
    return types.sort().join(',');
  };
  await until('three runs in visibility', async () => (await runs()) === 'refereeCheck,refereeCheck,referenceCheck');
  await waitForStatus(handle, (s) => s.step === 'awaiting-hire-outcome');
  const [reportUrl] = stack.fake.links(opp);
  expect(stack.fake.links(opp)).toEqual([expect.stringContaining('/reports/')]);
  const notes = stack.fake.notes(opp);
  expect(notes).toHaveLength(1);
  // The referees answered within a second of opening their pages, so each is flagged as too fast.
  expect(notes[0].value).toContain('Reference check complete: 2 of 2 references, average 4.5/5, 2 flags');
  expect(notes[0].value).toContain(reportUrl);

  // The report opens from the link, shows the answers, and renders a referee's markup as text.
  const report = await (await fetch(reportUrl)).text();
  expect(report).toContain('Charles Babbage');
  expect(report).toContain('Generous with her time');
  expect(report).toContain('&lt;script&gt;');
  expect(report).not.toContain('<script>alert');

  // The candidate is hired in Lever (archived with a hired reason) and Lever says so: the run ends, Lever gets the tag and a note.
  stack.fake.archive(opp, 'reason-hired');
  expect((await stack.deliver('candidateHired', { opportunityId: opp })).status).toBe(202);
  const result = await handle.result();
  expect(result).toMatchObject({ outcome: 'hired', hireSource: 'lever-webhook', requestStatus: 'completed', responsesReceived: 2, requiredReferences: 2 });
  expect(stack.fake.tags(opp)).toContain('refcheck: hired');
  expect(stack.fake.notes(opp).map((n) => n.value)).toEqual([expect.stringContaining('Reference check complete'), expect.stringContaining('Hire confirmed')]);
  // The owner was never asked: Lever already knew.
  expect(stack.catcher.messages.filter((m) => m.to.includes('grace@acme.test'))).toHaveLength(0);

  // Temporal's history holds ids and steps, not who: no name, no address, no report link (read here without any codec).
  const history = textOf(await handle.fetchHistory());
  for (const personal of ['Ada', 'Lovelace', 'Grace', 'Hopper', candidateEmail(opp), 'grace@acme.test', '/reports/']) expect(history).not.toContain(personal);

  // A stray stage change for a finished check starts nothing.
  const again = await stack.deliver('candidateStageChange', { opportunityId: opp, toStageId: 'stage-refcheck' });
  expect(again).toMatchObject({ status: 200, body: { outcome: 'already-completed' } });
});

test('when the candidate already left the stage, then the run ends as stale-trigger and a later real entry starts a new check', async () => {
  const opp = stack.seedCandidate('opp-stale');
  stack.fake.setStage(opp, 'stage-offer');
  await stack.deliver('candidateStageChange', { opportunityId: opp, toStageId: 'stage-refcheck' });
  expect(await handleFor(stack, opp).result()).toMatchObject({ outcome: 'stale-trigger', responsesReceived: 0 });
  expect(stack.catcher.messages.filter((m) => m.to.includes(candidateEmail(opp)))).toHaveLength(0);

  stack.fake.setStage(opp, 'stage-refcheck');
  const res = await stack.deliver('candidateStageChange', { opportunityId: opp, toStageId: 'stage-refcheck' });
  expect(res).toMatchObject({ status: 202, body: { outcome: 'restarted' } });
  await waitForStatus(handleFor(stack, opp), (s) => s.step === 'awaiting-nominations');
  await handleFor(stack, opp).terminate('test done');
});

test('when no template matches and there is no default, then Lever gets a note saying why and nobody is mailed', async () => {
  const noDefault = await startStack({ templates: [{ name: 'Sales', atsTag: 'sales', isDefault: false }] });
  try {
    const opp = noDefault.seedCandidate('opp-no-template', ['Engineering']);
    await noDefault.deliver('candidateStageChange', { opportunityId: opp, toStageId: 'stage-refcheck' });
    expect(await handleFor(noDefault, opp).result()).toMatchObject({ outcome: 'no-template' });
    expect(noDefault.fake.notes(opp)).toEqual([expect.objectContaining({ value: expect.stringContaining("no template matches this posting's tags (Engineering)") })]);
    expect(noDefault.catcher.messages).toHaveLength(0);
  } finally {
    await noDefault.close();
  }
});

test('when the candidate names nobody by their deadline, then the request closes as expired and Lever is told what came in', async () => {
  const short = await startStack({ deadlineSeconds: 2 });
  try {
    const opp = short.seedCandidate('opp-deadline');
    const { handle } = await startCheck(short, opp);
    const status = await waitForStatus(handle, (s) => s.step === 'awaiting-hire-outcome', 20_000);
    expect(status).toMatchObject({ requestStatus: 'expired', responsesReceived: 0 });
    await until('the deadline note', () => short.fake.notes(opp).length === 1);
    expect(short.fake.notes(opp)[0].value).toContain('Reference check closed at its deadline: 0 of 2 references');
    await handle.terminate('test done');
  } finally {
    await short.close();
  }
});

/** Every string and byte payload in a fetched history, as text: what anyone reading Temporal's store sees. */
function textOf(x: unknown): string {
  if (x instanceof Uint8Array) return Buffer.from(x).toString('utf8');
  if (Array.isArray(x)) return x.map(textOf).join(' ');
  if (x && typeof x === 'object') return Object.values(x).map(textOf).join(' ');
  return String(x);
}

test('when the run heard a nomination whose transaction then failed to commit, and the candidate nominates again, then the referees that committed are invited, not left waiting for ids that never landed', async () => {
  const opp = stack.seedCandidate('opp-uncommitted-nomination', ['Engineering']);
  const { handle, requestId } = await startCheck(stack, opp);
  // What the page's first attempt leaves when Postgres goes down between its signal and its commit:
  // the signal, naming referees whose rows rolled back. The candidate sees an error and sends the form again.
  await handle.signal(candidateNominated, { requestId, refereeIds: ['rf_rolled_back_1', 'rf_rolled_back_2'] });

  // The second attempt commits its own referees; both are mailed and answer (each waited for 30 s at most).
  await giveReferences(stack, opp);
  await waitForStatus(handle, (s) => s.step === 'awaiting-hire-outcome');
  expect((await handle.query(statusQuery)).responsesReceived).toBe(2);
});
