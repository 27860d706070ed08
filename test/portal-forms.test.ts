import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { WorkflowHandle } from '@temporalio/client';
import type { Config } from '../src/config';
import { findReferee, listReferees } from '../src/db/referees';
import { buildApp } from '../src/http/app';
import { openPortalRequest, standIn, startPortalApi, Visitor } from './helpers/portal';
import { startStack, type Stack } from './helpers/stack';

/**
 * The portal's forms at their edges: a POST URL opened again, long answers in Chinese, two links
 * open in one browser, and the rate limits on pages behind links. Real Postgres and Temporal; the
 * workflows are stand-ins nobody runs (Temporal stores their signals).
 */
let stack: Stack;
let api: Awaited<ReturnType<typeof startPortalApi>>;
const logLines: string[] = [];
const standIns: WorkflowHandle[] = [];
const closers: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  stack = await startStack({ worker: false, logLines });
  api = await startPortalApi(stack);
});
afterAll(async () => {
  await Promise.all(standIns.map((h) => h.terminate().catch(() => undefined)));
  for (const close of closers) await close();
  await api.close();
  await stack.close();
});

const person = (i: number, name: string, email: string, relationship: string) => ({
  [`r${i}_name`]: name, [`r${i}_email`]: email, [`r${i}_relationship`]: relationship, [`r${i}_company`]: 'Analytical Engines', [`r${i}_title`]: 'Engineer', [`r${i}_worked`]: '2019-2022',
});
const nomination = { consent: 'yes', ...person(0, 'Grace Manager', 'grace@ref.test', 'manager'), ...person(1, 'Alan Peer', 'alan@ref.test', 'peer') };

async function openRequest() {
  const opened = await openPortalRequest(stack);
  standIns.push(opened.handle!);
  return { ...opened, page: `/candidate/${opened.token}` };
}

/** A request whose candidate has named two referees; the first referee's page and stand-in run. */
async function firstReferee() {
  const c = await openRequest();
  const visitor = new Visitor(api.url);
  await visitor.get(c.page);
  expect((await visitor.post(`${c.page}/nominate`, nomination)).status).toBe(303);
  const [referee] = await listReferees(stack.db, c.request.id);
  standIns.push(await standIn(stack, `referee/${referee.id}`));
  return { referee, page: `/referee/${stack.links.sign('referee', referee.id, 3_600_000)}` };
}

test('when a form\'s POST URL is opened again (the address bar after a 422), then the page is shown and no log line carries the link', async () => {
  const c = await openRequest();
  const visitor = new Visitor(api.url);
  await visitor.get(c.page);
  expect((await visitor.post(`${c.page}/nominate`, { ...nomination, consent: '' })).status).toBe(422);
  const referee = await firstReferee();

  const report = `/reports/${stack.links.sign('report', c.request.id, 60_000)}`;
  for (const [page, action] of [[c.page, '/nominate'], [referee.page, '/answer'], [referee.page, '/decline'], [report, '/print']]) {
    const again = await fetch(`${api.url}${page}${action}`, { redirect: 'manual' });
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(page);
    expect((await visitor.get(again.headers.get('location')!)).status).toBe(200);
  }
  // Paths no route knows reach the error handler, which logs where they went but not the link in them.
  expect((await fetch(`${api.url}${report}/x`, { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } })).status).toBeLessThan(500);
  expect((await fetch(`${api.url}${report}/%zz`)).status).toBe(400);
  const logged = logLines.join('\n');
  for (const token of [c.token, referee.page.split('/').pop()!, report.split('/').pop()!]) {
    for (const part of token.split('.')) expect(logged).not.toContain(part);
  }
});

test('when a referee writes two long answers in Chinese, under each question\'s character limit, then both are stored whole; one character over is a 422 that says so', async () => {
  const { referee, page } = await firstReferee();
  const visitor = new Visitor(api.url);
  await visitor.get(page);
  // 1,900 characters each (the limit is 2,000): 3 bytes each in UTF-8, 9 once form-encoded, about 34 KB in all.
  const strengths = '她的分析严谨而且富有远见。'.repeat(150).slice(0, 1900);
  const growth = '可以更多地授权给团队成员。'.repeat(150).slice(0, 1900);
  expect([strengths.length, growth.length]).toEqual([1900, 1900]);
  const fields = {
    name: 'Grace Manager', title: 'CTO', company: 'Analytical Engines', relationship: 'manager',
    q_overall: '5', q_reliability: '4', q_collaboration: '4', q_rehire: 'Yes, gladly',
  };

  const over = await visitor.post(page, { ...fields, q_strengths: `${strengths}${'很'.repeat(101)}`, q_growth: growth }, {}, '/answer');
  expect(over.status).toBe(422);
  expect(over.html).toContain('Keep your answer under 2000 characters (it has 2001)');

  const sent = await visitor.post(page, { ...fields, q_strengths: strengths, q_growth: growth }, {}, '/answer');
  expect(sent.status).toBe(303);
  const stored = await findReferee(stack.db, referee.id);
  expect(stored?.answers).toEqual(expect.arrayContaining([{ questionId: 'strengths', text: strengths }, { questionId: 'growth', text: growth }]));
});

test('when one browser opens two links (two candidates\' pages), then the first page\'s form is still accepted', async () => {
  const first = await openRequest();
  const second = await openRequest();
  const browser = new Visitor(api.url);
  await browser.get(first.page);
  const firstForm = browser.csrf;
  await browser.get(second.page);

  const sent = await browser.post(`${first.page}/nominate`, nomination, { csrf: firstForm });
  expect(sent.status).toBe(303);
  expect(await listReferees(stack.db, first.request.id)).toHaveLength(2);
  // The second page's form works too.
  expect((await browser.post(`${second.page}/nominate`, nomination)).status).toBe(303);
});

describe('rate limits on pages behind links (PORTAL_RATE_LIMIT_*)', () => {
  /** The api with small limits, so a test reaches them in a few requests. */
  async function limitedApi(limits: Partial<Config>) {
    const app = buildApp({ ...api.deps, config: { ...stack.config, ...limits } });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    closers.push(() => new Promise((r) => server.close(r)));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  test('when one link is opened more often than allowed, then a friendly 429 page, from any address; other links still open', async () => {
    const url = await limitedApi({ PORTAL_RATE_LIMIT_PER_LINK: 3, PORTAL_RATE_LIMIT_PER_IP: 100 });
    const c = await openRequest();
    const visitor = new Visitor(url, { ip: '198.51.100.1' });
    for (let i = 0; i < 3; i++) expect((await visitor.get(c.page)).status).toBe(200);
    const limited = await visitor.get(c.page);
    expect(limited.status).toBe(429);
    expect(limited.html).toContain('Too many requests');
    expect(limited.html).toContain('Please wait a few minutes');
    expect((await new Visitor(url, { ip: '198.51.100.2' }).get(c.page)).status).toBe(429);
    const other = await openRequest();
    expect((await visitor.get(other.page)).status).toBe(200);
    expect(logLines.join('\n')).not.toContain(c.token);
  });

  test('when one address opens more pages than allowed, whichever links, then 429 for that address only', async () => {
    const url = await limitedApi({ PORTAL_RATE_LIMIT_PER_LINK: 100, PORTAL_RATE_LIMIT_PER_IP: 4 });
    const c = await openRequest();
    const links = Array.from({ length: 5 }, () => `/candidate/${stack.links.sign('candidate', c.request.id, 3_600_000)}`);
    const prober = new Visitor(url, { ip: '198.51.100.3' });
    for (const link of links.slice(0, 4)) expect((await prober.get(link)).status).toBe(200);
    expect((await prober.get(links[4])).status).toBe(429);
    expect((await prober.get(`/reports/${stack.links.sign('report', c.request.id, 60_000)}`)).status).toBe(429);
    expect((await new Visitor(url, { ip: '198.51.100.4' }).get(links[4])).status).toBe(200);
  });

  test('the defaults are generous: a person never meets them', () => {
    expect(stack.config.PORTAL_RATE_LIMIT_PER_LINK).toBeGreaterThanOrEqual(100);
    expect(stack.config.PORTAL_RATE_LIMIT_PER_IP).toBeGreaterThanOrEqual(500);
  });
});
