import { randomBytes } from 'node:crypto';
import { recordEvent } from '../src/db/events';
import { insertReferee, markOpened, markReplaced, recordAnswer, recordDecline, type NewReferee, type Referee, type SurveyAnswer } from '../src/db/referees';
import { markConcluded, openRequest, recordNomination } from '../src/db/requests';
import { listTemplates } from '../src/db/templates';
import { loadReport, reportSummaryLine, type Report } from '../src/reports/report';
import { defaultTemplateSettings } from '../src/templates/surveys';
import { startStack, type Stack } from './helpers/stack';

/** The report as recruiters read it, built from real rows: referees, answers, events. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack.close());

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0';
const SAFARI = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1.15';
const TEN_MINUTES_AGO = () => new Date(Date.now() - 10 * 60_000);

async function openTestRequest() {
  const [template] = await listTemplates(stack.db, stack.connectionId);
  const suffix = randomBytes(4).toString('hex');
  return openRequest(stack.db, {
    workflowId: `wf-${suffix}`, runId: `run-${suffix}`, connectionId: stack.connectionId, opportunityId: `opp-${suffix}`, templateId: template.id,
    candidateName: 'Ada Lovelace', candidateEmail: 'ada@candidate.test', postingTitle: 'Staff Engineer', requiredReferences: 2,
    deadlineAt: new Date(Date.now() + 86_400_000), templateSnapshot: defaultTemplateSettings(),
  });
}

const nominate = (requestId: string, slot: number, r: Partial<NewReferee> & Pick<NewReferee, 'name' | 'email'>, replaces: string | null = null) =>
  stack.db.withTransaction((tx) => insertReferee(tx, requestId, slot, { relationship: 'peer', optional: false, ...r }, replaces));

/** Answers as the referee page would, having opened the page `openedAt` (null: just now). */
async function answer(r: Referee, answers: SurveyAnswer[], from: { ip: string; openedAt: Date | null }) {
  await markOpened(stack.db, r.id);
  if (from.openedAt) await stack.db.query('update referees set opened_at = $2 where id = $1', [r.id, from.openedAt]);
  await recordAnswer(stack.db, r.id, { confirmed: { name: r.name, title: r.title, company: r.company, relationship: r.relationship }, answers, optInJobs: true, ip: from.ip, userAgent: CHROME });
}
const ratings = (overall: number, reliability: number, collaboration: number, rehire: string, text: Record<string, string> = {}): SurveyAnswer[] => [
  { questionId: 'overall', rating: overall }, { questionId: 'reliability', rating: reliability }, { questionId: 'collaboration', rating: collaboration },
  { questionId: 'rehire', choice: rehire }, ...Object.entries(text).map(([questionId, t]) => ({ questionId, text: t })),
];

describe('a request answered through the portal', () => {
  let requestId: string;
  let report: Report;
  beforeAll(async () => {
    ({ id: requestId } = await openTestRequest());
    await stack.db.withTransaction((tx) => recordNomination(tx, requestId, { ip: '203.0.113.7', userAgent: SAFARI }));
    const charles = await nominate(requestId, 0, { name: 'Charles Babbage', email: 'charles@engine.test', relationship: 'manager', title: 'Director', company: 'Analytical Engines', workedTogether: '2019–2022' });
    const mary = await nominate(requestId, 1, { name: 'Mary Somerville', email: 'mary@gmail.com' });
    const john = await nominate(requestId, 2, { name: 'John Herschel', email: 'john@observatory.test', relationship: 'other' });
    const caroline = await nominate(requestId, 3, { name: 'Caroline Herschel', email: 'caroline@observatory.test' });
    await stack.db.withTransaction((tx) => markReplaced(tx, caroline.id));
    const william = await nominate(requestId, 3, { name: 'William Whewell', email: 'william@trinity.test' }, caroline.id);

    await answer(charles, ratings(5, 4, 5, 'Yes, gladly', { strengths: 'Brilliant <script>alert(1)</script> analyst' }), { ip: '198.51.100.1', openedAt: TEN_MINUTES_AGO() });
    await answer(mary, ratings(4, 4, 5, 'Yes', { growth: 'Could delegate more' }), { ip: '203.0.113.7', openedAt: TEN_MINUTES_AGO() });
    await answer(william, ratings(3, 4, 4, 'Not sure'), { ip: '198.51.100.3', openedAt: null });
    await recordDecline(stack.db, john.id, { reason: 'We never worked closely', ip: null, userAgent: null });
    for (const [kind, who] of [['opened', null], ['nominated', null], ['referee-invited', charles.id], ['referee-answered', mary.id], ['referee-declined', john.id], ['referee-replaced', caroline.id], ['concluded', null]] as const) {
      await recordEvent(stack.db, requestId, kind, who);
    }
    await markConcluded(stack.db, requestId, 'completed');
    report = (await loadReport(stack.db, requestId))!;
  });

  test('when loaded, then each rating question has its 1-5 distribution, count and one-decimal average', () => {
    const byId = Object.fromEntries(report.questions.map((q) => [q.id, q]));
    expect(byId.overall).toMatchObject({ type: 'rating', distribution: [0, 0, 1, 1, 1], count: 3, average: 4 });
    expect(byId.collaboration).toMatchObject({ distribution: [0, 0, 0, 1, 2], average: 4.7 });
    expect(byId.rehire).toMatchObject({ type: 'choice', count: 3, options: [{ option: 'Yes, gladly', count: 1 }, { option: 'Yes', count: 1 }, { option: 'Not sure', count: 1 }, { option: 'No', count: 0 }] });
    expect(byId.strengths).toEqual(expect.objectContaining({ comments: [{ text: 'Brilliant <script>alert(1)</script> analyst', refereeName: 'Charles Babbage', relationship: 'manager' }] }));
    expect(byId.growth).toEqual(expect.objectContaining({ comments: [expect.objectContaining({ refereeName: 'Mary Somerville' })] }));
  });

  test('when loaded, then the totals count answered of requested (the replaced referee not counted) and average every rating', () => {
    expect(report).toMatchObject({ answered: 3, requested: 4, required: 2, averageRating: 4.2, ratingCount: 9 });
    expect(report.referees.map((r) => [r.name, r.status])).toEqual([
      ['Charles Babbage', 'answered'], ['Mary Somerville', 'answered'], ['John Herschel', 'declined'], ['Caroline Herschel', 'replaced'], ['William Whewell', 'answered'],
    ]);
    expect(report.referees[2].declineReason).toBe('We never worked closely');
    expect(JSON.stringify(report)).not.toContain('optIn');
  });

  test("when a referee answers from the candidate's IP and another in seconds, then both are flagged by name", () => {
    expect(report.flags.map((f) => [f.refereeName, f.kind])).toEqual([['Mary Somerville', 'same-ip-as-candidate'], ['William Whewell', 'too-fast']]);
  });

  test('when loaded, then the timeline reads as sentences with referee names', () => {
    expect(report.timeline.map((t) => t.text)).toEqual([
      'Reference check opened', 'Ada Lovelace nominated referees', 'Charles Babbage was invited', 'Mary Somerville answered',
      'John Herschel declined', 'Caroline Herschel was replaced', 'Reference check concluded',
    ]);
  });

  test('when summarised, then the line counts references, the average and the flags', () => {
    expect(reportSummaryLine(report)).toBe('Reference check complete: 3 of 4 references, average 4.2/5, 2 flags');
  });

  test('when the report link is opened, then the page shows answers, flags and the expiry, with markup escaped', async () => {
    const token = stack.links.sign('report', requestId, 86_400_000);
    const res = await fetch(`${stack.apiUrl}/reports/${token}`);
    const page = await res.text();
    expect(res.status).toBe(200);
    for (const text of ['Ada Lovelace', 'Staff Engineer', 'Director at Analytical Engines', 'Could delegate more', 'We never worked closely', 'Answered from the same IP address', 'This link expires on']) {
      expect(page).toContain(text);
    }
    expect(page).toContain('&lt;script&gt;');
    expect(page).not.toContain('<script>alert');
  });
});

test('when there are no flags, no ratings, or the deadline closed the request, then the summary line says so', () => {
  const base = { request: { status: 'completed' }, answered: 3, requested: 3, required: 3, averageRating: 4.4, flags: [{}] } as unknown as Report;
  expect(reportSummaryLine(base)).toBe('Reference check complete: 3 of 3 references, average 4.4/5, 1 flag');
  expect(reportSummaryLine({ ...base, flags: [] })).toBe('Reference check complete: 3 of 3 references, average 4.4/5');
  expect(reportSummaryLine({ ...base, averageRating: null, flags: [] })).toBe('Reference check complete: 3 of 3 references');
  expect(reportSummaryLine({ ...base, request: { ...base.request, status: 'expired' }, answered: 1, averageRating: 4, flags: [] })).toBe('Reference check closed at its deadline: 1 of 3 references, average 4.0/5');
  // Nobody nominated yet: still "of" the required number, never "0 of 0".
  expect(reportSummaryLine({ ...base, request: { ...base.request, status: 'open' }, answered: 0, requested: 0, required: 1, averageRating: null, flags: [] })).toBe('Reference check in progress: 0 of 1 reference');
});
