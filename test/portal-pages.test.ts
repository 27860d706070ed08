import type { WorkflowHandle } from '@temporalio/client';
import { listEvents } from '../src/db/events';
import { findReferee, listReferees } from '../src/db/referees';
import { findRequest, markConcluded } from '../src/db/requests';
import { backdateReferee, openPortalRequest, signalsIn, standIn, startPortalApi, Visitor } from './helpers/portal';
import { startStack, type Stack, unreachableTemporal } from './helpers/stack';

/**
 * The candidate's and the referees' pages, through HTTP against real Postgres and Temporal. The
 * workflow is a stand-in nobody runs: Temporal stores its signals, and the tests read them back.
 */
let stack: Stack;
let api: Awaited<ReturnType<typeof startPortalApi>>;
const standIns: WorkflowHandle[] = [];
beforeAll(async () => {
  stack = await startStack({ worker: false });
  api = await startPortalApi(stack);
});
afterAll(async () => {
  await Promise.all(standIns.map((h) => h.terminate().catch(() => undefined)));
  await api.close();
  await stack.close();
});

const person = (i: number, p: { name: string; email: string; relationship: string }) => ({
  [`r${i}_name`]: p.name, [`r${i}_email`]: p.email, [`r${i}_relationship`]: p.relationship,
  [`r${i}_company`]: 'Analytical Engines', [`r${i}_title`]: 'Engineer', [`r${i}_worked`]: '2019-2022',
});
const nomination = (overrides: Record<string, string> = {}) => ({
  consent: 'yes',
  ...person(0, { name: 'Grace Manager', email: 'grace@ref.test', relationship: 'manager' }),
  ...person(1, { name: 'Alan Peer', email: 'alan@ref.test', relationship: 'peer' }),
  ...overrides,
});

async function candidate(opts: Parameters<typeof openPortalRequest>[1] = {}) {
  const opened = await openPortalRequest(stack, opts);
  if (opened.handle) standIns.push(opened.handle);
  const visitor = new Visitor(api.url);
  const page = `/candidate/${opened.token}`;
  await visitor.get(page);
  return { ...opened, visitor, page };
}

/** A request whose candidate has named two referees, each with a stand-in run and a link. */
async function referees() {
  const c = await candidate();
  expect((await c.visitor.post(`${c.page}/nominate`, nomination())).status).toBe(303);
  const all = await listReferees(stack.db, c.request.id);
  return Promise.all(all.map(async (referee) => {
    const handle = await standIn(stack, `referee/${referee.id}`);
    standIns.push(handle);
    const visitor = new Visitor(api.url);
    const page = `/referee/${stack.links.sign('referee', referee.id, 3_600_000)}`;
    return { referee, handle, visitor, page, request: c.request };
  }));
}

const answers = (overrides: Record<string, string> = {}) => ({
  name: 'Grace Manager', title: 'CTO', company: 'Analytical Engines', relationship: 'manager',
  q_overall: '5', q_reliability: '4', q_collaboration: '4', q_rehire: 'Yes, gladly', q_strengths: 'Rigour.', ...overrides,
});

describe('the candidate page', () => {
  test('when opened, then it says who asks, for which role, what is needed, and offers one fieldset per possible referee', async () => {
    const c = await candidate();
    const { status, html } = await c.visitor.get(c.page);
    expect(status).toBe(200);
    expect(html).toContain('Acme Test');
    expect(html).toContain('Staff Engineer');
    expect(html).toContain('1 manager (a manager from a recent role)');
    expect(html).toContain('I agree that Acme Test may contact the people I name');
    expect(html).toMatch(/name="r2_name"/);
    expect(html).not.toMatch(/name="r3_name"/);
    expect(html).toContain('(optional)');
    expect(html).not.toMatch(/<script/i);
  });

  test('when consent is missing, then 422 with the message beside the box, the input kept, and nothing stored', async () => {
    const c = await candidate();
    const res = await c.visitor.post(`${c.page}/nominate`, nomination({ consent: '' }));
    expect(res.status).toBe(422);
    expect(res.html).toContain('Tick the box to agree');
    expect(res.html).toContain('value="grace@ref.test"');
    expect(await listReferees(stack.db, c.request.id)).toEqual([]);
    expect((await findRequest(stack.db, c.request.id))?.nominatedAt).toBeNull();
  });

  test('when no manager is named, then 422 names the missing relationship', async () => {
    const c = await candidate();
    const res = await c.visitor.post(`${c.page}/nominate`, nomination({ r0_relationship: 'peer' }));
    expect(res.status).toBe(422);
    expect(res.html).toContain('Name at least 1 manager (a manager from a recent role).');
  });

  test('when the same person is named twice (in another case), or the candidate names themselves, then 422 beside that email', async () => {
    const c = await candidate();
    const twice = await c.visitor.post(`${c.page}/nominate`, nomination({ r1_email: 'GRACE@ref.test' }));
    expect(twice.status).toBe(422);
    expect(twice.html).toContain('You have already named this person');
    const self = await c.visitor.post(`${c.page}/nominate`, nomination({ r1_email: ' Ada@Candidate.test ' }));
    expect(self.status).toBe(422);
    expect(self.html).toContain('This is your own address');
    const bad = await c.visitor.post(`${c.page}/nominate`, nomination({ r1_email: 'not-an-address', r1_name: '' }));
    expect(bad.html).toContain('Enter a valid email address');
    expect(bad.html).toContain('Enter their name');
  });

  test('when the form is valid, then the referees are stored together, the run is signalled with their ids, and the page shows their progress', async () => {
    const c = await candidate();
    const res = await c.visitor.post(`${c.page}/nominate`, nomination(person(2, { name: '<script>alert(1)</script>', email: 'opt@ref.test', relationship: 'client' })));
    expect(res).toMatchObject({ status: 303, location: c.page });

    const stored = await listReferees(stack.db, c.request.id);
    expect(stored.map((r) => [r.slot, r.name, r.relationship, r.optional, r.status])).toEqual([
      [0, 'Grace Manager', 'manager', false, 'nominated'], [1, 'Alan Peer', 'peer', false, 'nominated'], [2, '<script>alert(1)</script>', 'client', true, 'nominated'],
    ]);
    expect(await findRequest(stack.db, c.request.id)).toMatchObject({ consentAt: expect.any(Date), nominatedAt: expect.any(Date), candidateIp: '127.0.0.1', candidateUserAgent: 'portal-test' });
    expect((await listEvents(stack.db, c.request.id)).map((e) => e.kind)).toEqual(['consented', 'nominated']);
    expect(await signalsIn(c.handle!, 'candidateNominated')).toEqual([{ requestId: c.request.id, refereeIds: stored.map((r) => r.id) }]);

    const page = await c.visitor.get(c.page);
    expect(page.html).toContain('Grace Manager');
    expect(page.html).toContain('Alan Peer');
    expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.html).not.toContain('<script>alert');
    expect(page.html.match(/status-invited/g)).toHaveLength(3);
    expect(page.html).not.toContain('name="r0_name"');

    // Nominations happen once: afterwards only replacement.
    const again = await c.visitor.post(`${c.page}/nominate`, nomination({ r0_email: 'other@ref.test', r1_email: 'another@ref.test' }));
    expect(again.status).toBe(409);
    expect(await listReferees(stack.db, c.request.id)).toHaveLength(3);
  });

  test('when the run is gone, then 409 and nothing is stored (rolled back)', async () => {
    const c = await candidate({ running: false });
    const res = await c.visitor.post(`${c.page}/nominate`, nomination());
    expect(res.status).toBe(409);
    expect(res.html).toContain('no longer running');
    expect(await listReferees(stack.db, c.request.id)).toEqual([]);
    expect(await findRequest(stack.db, c.request.id)).toMatchObject({ nominatedAt: null, consentAt: null });
    expect(await listEvents(stack.db, c.request.id)).toEqual([]);
  });

  test('when Temporal cannot be reached, then 503 keeps the input and stores nothing; the retry goes through', async () => {
    const c = await candidate();
    const dead = await unreachableTemporal(stack);
    api.deps.checks = dead.checks;
    try {
      const res = await c.visitor.post(`${c.page}/nominate`, nomination());
      expect(res.status).toBe(503);
      expect(res.html).toContain('try again in a minute');
      expect(res.html).toContain('value="alan@ref.test"');
      expect(await listReferees(stack.db, c.request.id)).toEqual([]);
    } finally {
      api.deps.checks = stack.checks;
      await dead.close();
    }
    expect((await c.visitor.post(`${c.page}/nominate`, nomination())).status).toBe(303);
  });

  test('a silent referee can be replaced only after replaceAfterSeconds, by someone new, in the same slot', async () => {
    const c = await candidate();
    await c.visitor.post(`${c.page}/nominate`, nomination());
    const [manager, peer] = await listReferees(stack.db, c.request.id);
    const replace = (id: string, fields: Record<string, string>) => c.visitor.post(`${c.page}/referees/${id}/replace`, fields);
    const newcomer = { new_name: 'Edsger Peer', new_email: 'edsger@ref.test', new_relationship: 'peer', new_company: 'THE', new_title: 'Professor', new_worked: '2020' };

    expect((await c.visitor.get(c.page)).html).not.toContain('/replace');
    const early = await replace(peer.id, newcomer);
    expect(early.status).toBe(409);
    expect(early.html).toContain('You can name someone else from');

    await backdateReferee(stack.db, peer.id, 3 * 86_400 + 60);
    expect((await c.visitor.get(c.page)).html).toContain(`/referees/${peer.id}/replace`);
    const taken = await replace(peer.id, { ...newcomer, new_email: 'Grace@ref.test' });
    expect(taken.status).toBe(422);
    expect(taken.html).toContain('You have already named this person');

    expect(await replace(peer.id, newcomer)).toMatchObject({ status: 303, location: c.page });
    const after = await listReferees(stack.db, c.request.id);
    const fresh = after.find((r) => r.email === 'edsger@ref.test')!;
    expect(fresh).toMatchObject({ slot: peer.slot, replaces: peer.id, optional: false, status: 'nominated' });
    expect(after.find((r) => r.id === peer.id)?.status).toBe('replaced');
    expect(after.find((r) => r.id === manager.id)?.status).toBe('nominated');
    expect(await signalsIn(c.handle!, 'refereeReplaced')).toEqual([{ requestId: c.request.id, oldRefereeId: peer.id, newRefereeId: fresh.id }]);
    expect((await listEvents(stack.db, c.request.id)).map((e) => e.kind)).toContain('referee-replaced');
    expect((await c.visitor.get(c.page)).html).toContain('status-replaced');

    // Another request's referee is unknown here, whatever its state.
    const other = await candidate();
    await other.visitor.post(`${other.page}/nominate`, nomination());
    const [stranger] = await listReferees(stack.db, other.request.id);
    await backdateReferee(stack.db, stranger.id, 3 * 86_400 + 60);
    expect((await replace(stranger.id, { ...newcomer, new_email: 'x@ref.test' })).status).toBe(404);
    expect((await findReferee(stack.db, stranger.id))?.status).toBe('nominated');
  });

  test('when the request has concluded, then the page says there is nothing more to do', async () => {
    const c = await candidate();
    await markConcluded(stack.db, c.request.id, 'completed');
    const { status, html } = await c.visitor.get(c.page);
    expect(status).toBe(200);
    expect(html).toContain('This reference check is complete');
  });
});

describe('the referee page', () => {
  test('when opened, then it shows who asks about whom, the details to confirm, the survey and an unticked opt-in; the first open is recorded once', async () => {
    const [r] = await referees();
    const { status, html } = await r.visitor.get(r.page);
    expect(status).toBe(200);
    expect(html).toContain('A reference for Ada Lovelace');
    expect(html).toContain('Acme Test');
    expect(html).toContain('value="Grace Manager"');
    expect(html).toMatch(/name="q_overall" value="5"/);
    expect(html).toContain('Outstanding');
    expect(html).toMatch(/<input type="checkbox" name="opt_in_jobs" value="yes">/);
    expect(html).toContain("I'd like to hear about jobs at Acme Test");
    await r.visitor.get(r.page);
    expect((await findReferee(stack.db, r.referee.id))?.openedAt).toEqual(expect.any(Date));
    expect((await listEvents(stack.db, r.request.id)).filter((e) => e.kind === 'referee-opened')).toHaveLength(1);
  });

  test('when a required question is unanswered or a rating is out of range, then 422 with the message beside that question, and nothing stored', async () => {
    const [r] = await referees();
    await r.visitor.get(r.page);
    const missing = await r.visitor.post(`${r.page}/answer`, answers({ q_overall: '', q_strengths: '<script>alert(1)</script>' }));
    expect(missing.status).toBe(422);
    expect(missing.html).toMatch(/id="q_overall-error">Please choose an answer to this question/);
    expect(missing.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;</textarea>');
    expect(missing.html).not.toContain('<script>alert');
    const range = await r.visitor.post(`${r.page}/answer`, answers({ q_reliability: '7', q_rehire: 'Maybe' }));
    expect(range.status).toBe(422);
    expect(range.html).toContain('Choose a rating from 1 to 5');
    expect(range.html).toContain('Choose one of the options');
    expect((await findReferee(stack.db, r.referee.id))?.status).toBe('nominated');
  });

  test('when the answer is valid, then it is stored as typed (script and all, as text), the run is signalled, and a second answer changes nothing', async () => {
    const [r] = await referees();
    await r.visitor.get(r.page);
    const res = await r.visitor.post(`${r.page}/answer`, answers({ title: 'Chief <b>Engineer</b>', q_growth: '<script>alert(1)</script>' }));
    expect(res).toMatchObject({ status: 303, location: r.page });
    const stored = await findReferee(stack.db, r.referee.id);
    expect(stored).toMatchObject({ status: 'answered', optInJobs: false, submitIp: '127.0.0.1', confirmed: { name: 'Grace Manager', title: 'Chief <b>Engineer</b>', relationship: 'manager' } });
    expect(stored?.answers).toEqual(expect.arrayContaining([{ questionId: 'overall', rating: 5 }, { questionId: 'rehire', choice: 'Yes, gladly' }, { questionId: 'growth', text: '<script>alert(1)</script>' }]));
    expect(await signalsIn(r.handle, 'refereeResponded')).toEqual([{ outcome: 'answered' }]);

    const thanks = await r.visitor.get(r.page);
    expect(thanks.status).toBe(200);
    expect(thanks.html).toContain('Your reference for Ada Lovelace has been recorded');
    const again = await r.visitor.post(`${r.page}/answer`, answers({ q_overall: '1' }));
    expect(again.status).toBe(409);
    expect(again.html).toContain('You have already answered, thank you');
    expect((await findReferee(stack.db, r.referee.id))?.answers).toContainEqual({ questionId: 'overall', rating: 5 });
  });

  test('when the referee ticks the opt-in, or declines with a reason, then that is what is stored', async () => {
    const [a, b] = await referees();
    await a.visitor.get(a.page);
    await a.visitor.post(`${a.page}/answer`, answers({ opt_in_jobs: 'yes' }));
    expect((await findReferee(stack.db, a.referee.id))?.optInJobs).toBe(true);

    await b.visitor.get(b.page);
    expect(await b.visitor.post(`${b.page}/decline`, { reason: 'I hardly knew them.' })).toMatchObject({ status: 303, location: b.page });
    expect(await findReferee(stack.db, b.referee.id)).toMatchObject({ status: 'declined', declineReason: 'I hardly knew them.' });
    expect(await signalsIn(b.handle, 'refereeResponded')).toEqual([{ outcome: 'declined' }]);
    expect((await b.visitor.get(b.page)).html).toContain('Thank you for letting us know');
    expect((await listEvents(stack.db, a.request.id)).map((e) => e.kind)).toEqual(expect.arrayContaining(['referee-answered', 'referee-declined']));
  });

  test('when Temporal cannot be reached after the answer is stored, then the referee is still thanked', async () => {
    const [r] = await referees();
    await r.visitor.get(r.page);
    const dead = await unreachableTemporal(stack);
    api.deps.checks = dead.checks;
    try {
      expect((await r.visitor.post(`${r.page}/answer`, answers())).status).toBe(303);
    } finally {
      api.deps.checks = stack.checks;
      await dead.close();
    }
    expect((await findReferee(stack.db, r.referee.id))?.status).toBe('answered');
  });
});

describe('links and forms', () => {
  test('when a form is posted without its CSRF token, or with a token from another link, then 403 and nothing is stored', async () => {
    const [a, b] = await referees();
    await a.visitor.get(a.page);
    const none = await a.visitor.post(`${a.page}/answer`, answers(), { csrf: null });
    expect(none.status).toBe(403);
    expect(none.html).toContain('This form expired');
    // A's token and cookie, on B's link: the URL's link token decides, and A's token is not B's.
    const crossed = await a.visitor.post(`${b.page}/decline`, {});
    expect(crossed.status).toBe(403);
    expect((await findReferee(stack.db, a.referee.id))?.status).toBe('nominated');
    expect((await findReferee(stack.db, b.referee.id))?.status).toBe('nominated');

    const c = await candidate();
    expect((await c.visitor.post(`${c.page}/nominate`, nomination(), { csrf: 'forged.token' })).status).toBe(403);
    expect(await listReferees(stack.db, c.request.id)).toEqual([]);
  });

  test('when a link has expired, then 410; when it is tampered with or meant for another page, then 404', async () => {
    const [r] = await referees();
    const visitor = new Visitor(api.url);
    expect((await visitor.get(`/referee/${stack.links.sign('referee', r.referee.id, -1000)}`)).status).toBe(410);
    const token = r.page.split('/')[2];
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    const res = await visitor.get(`/referee/${tampered}`);
    expect(res.status).toBe(404);
    expect(res.html).toContain('This link is not valid');
    expect((await visitor.get(`/candidate/${token}`)).status).toBe(404);
    expect((await visitor.get(`/referee/${stack.links.sign('candidate', r.request.id, 60_000)}`)).status).toBe(404);
  });
});
