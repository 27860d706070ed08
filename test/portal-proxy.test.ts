import { once } from 'node:events';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkflowHandle } from '@temporalio/client';
import { findReferee, listReferees } from '../src/db/referees';
import { findRequest } from '../src/db/requests';
import { buildApp } from '../src/http/app';
import { loadReport } from '../src/reports/report';
import { openPortalRequest, standIn } from './helpers/portal';
import { startStack, type Stack } from './helpers/stack';

/**
 * Client IPs behind a TLS proxy (TRUST_PROXY), and the report's "same IP as the candidate" flag.
 * Real sockets: Linux routes all of 127.0.0.0/8 to loopback, so each person and the proxy connect
 * from an address of their own. The proxy appends the address it sees to X-Forwarded-For, as
 * nginx's $proxy_add_x_forwarded_for does.
 */
const PROXY_ADDRESS = '127.0.0.5';
const CANDIDATE = '127.0.0.10';
const REFEREE = '127.0.0.20';

let stack: Stack;
const servers: Server[] = [];
const standIns: WorkflowHandle[] = [];
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await Promise.all(standIns.map((h) => h.terminate().catch(() => undefined)));
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await stack.close();
});

async function listen(server: Server) {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The api with this TRUST_PROXY, and a proxy in front of it connecting from PROXY_ADDRESS. */
async function deployment(trustProxy: number | string[]) {
  const api = await listen(createServer(buildApp({ config: { ...stack.config, TRUST_PROXY: trustProxy }, db: stack.db, box: stack.box, links: stack.links, temporal: stack.client, checks: stack.checks, logger: stack.logger })));
  const proxy = await listen(createServer((req, res) => {
    const forwarded = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
    const upstream = request(`${api}${req.url}`, { method: req.method, localAddress: PROXY_ADDRESS, headers: { ...req.headers, 'x-forwarded-for': forwarded } }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  }));
  return { api, proxy };
}

/** A browser on its own address: keeps cookies and the page's CSRF token; may add its own X-Forwarded-For. */
function person(from: string, userAgent: string, forwardedFor?: string) {
  const cookies = new Map<string, string>();
  let csrf = '';
  const send = (url: string, method: string, body?: string) => new Promise<{ status: number; html: string }>((resolve, reject) => {
    const headers: IncomingHttpHeaders = { 'user-agent': userAgent, cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const req = request(url, { method, localAddress: from, headers }, (res) => {
      for (const line of res.headers['set-cookie'] ?? []) {
        const [pair] = line.split(';');
        cookies.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
      }
      let html = '';
      res.on('data', (d: Buffer) => (html += d.toString()));
      res.on('end', () => {
        csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? csrf;
        resolve({ status: res.statusCode!, html });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
  return {
    get: (url: string) => send(url, 'GET'),
    post: (url: string, fields: Record<string, string>) => send(url, 'POST', new URLSearchParams({ ...fields, _csrf: csrf }).toString()),
  };
}

const nominee = (i: number, name: string, email: string, relationship: string) => ({
  [`r${i}_name`]: name, [`r${i}_email`]: email, [`r${i}_relationship`]: relationship, [`r${i}_company`]: 'Analytical Engines', [`r${i}_title`]: 'Engineer', [`r${i}_worked`]: '2019-2022',
});
const answers = (name: string, relationship: string) => ({
  name, title: 'Engineer', company: 'Analytical Engines', relationship, q_overall: '5', q_reliability: '4', q_collaboration: '4', q_rehire: 'Yes, gladly', q_strengths: 'Rigour.',
});

/** The candidate nominates two referees through `base`; returns the request and each referee's page. */
async function nominated(base: string, candidate: ReturnType<typeof person>) {
  const opened = await openPortalRequest(stack);
  standIns.push(opened.handle!);
  const page = `${base}/candidate/${opened.token}`;
  await candidate.get(page);
  const sent = await candidate.post(`${page}/nominate`, { consent: 'yes', ...nominee(0, 'Grace Manager', 'grace@ref.test', 'manager'), ...nominee(1, 'Alan Peer', 'alan@ref.test', 'peer') });
  expect(sent.status).toBe(303);
  const referees = await listReferees(stack.db, opened.request.id);
  for (const r of referees) standIns.push(await standIn(stack, `referee/${r.id}`));
  return { request: opened.request, referees: referees.map((r) => ({ ...r, path: `/referee/${stack.links.sign('referee', r.id, 3_600_000)}` })) };
}

async function answer(url: string, who: ReturnType<typeof person>, name: string, relationship: string) {
  await who.get(url);
  expect((await who.post(`${url}/answer`, answers(name, relationship))).status).toBe(303);
}

const reportOf = async (requestId: string) => (await fetch(`${stack.apiUrl}/reports/${stack.links.sign('report', requestId, 60_000)}`)).text();
const SAME_IP = 'same IP address as the candidate';

test('when the proxy in front is trusted (TRUST_PROXY its address), then the candidate\'s and the referee\'s own IPs are recorded and the report does not flag them', async () => {
  const { proxy } = await deployment([PROXY_ADDRESS]);
  const { request, referees } = await nominated(proxy, person(CANDIDATE, 'CandidatePhone/1.0'));
  await answer(`${proxy}${referees[0].path}`, person(REFEREE, 'RefereeLaptop/1.0'), 'Grace Manager', 'manager');

  expect((await findRequest(stack.db, request.id))?.candidateIp).toBe(CANDIDATE);
  expect((await findReferee(stack.db, referees[0].id))?.submitIp).toBe(REFEREE);
  expect(await reportOf(request.id)).not.toContain(SAME_IP);
});

test('when a client connects directly, past the trusted proxy, then its own X-Forwarded-For is ignored: the candidate answering as a referee is flagged', async () => {
  const { api, proxy } = await deployment([PROXY_ADDRESS]);
  const { request, referees } = await nominated(proxy, person(CANDIDATE, 'CandidatePhone/1.0'));
  // The candidate, in another browser, claims to be elsewhere.
  await answer(`${api}${referees[0].path}`, person(CANDIDATE, 'OtherBrowser/2.0', '203.0.113.99'), 'Grace Manager', 'manager');

  expect((await findReferee(stack.db, referees[0].id))?.submitIp).toBe(CANDIDATE);
  expect(await reportOf(request.id)).toContain(SAME_IP);
});

test('when TRUST_PROXY is a hop count, then only the address the proxy adds counts, not one the client wrote', async () => {
  const { proxy } = await deployment(1);
  const { request, referees } = await nominated(proxy, person(CANDIDATE, 'CandidatePhone/1.0'));
  await answer(`${proxy}${referees[0].path}`, person(CANDIDATE, 'OtherBrowser/2.0', '203.0.113.99'), 'Grace Manager', 'manager');
  await answer(`${proxy}${referees[1].path}`, person(REFEREE, 'RefereeLaptop/1.0', CANDIDATE), 'Alan Peer', 'peer');

  expect((await findReferee(stack.db, referees[0].id))?.submitIp).toBe(CANDIDATE);
  expect((await findReferee(stack.db, referees[1].id))?.submitIp).toBe(REFEREE);
  const flags = (await loadReport(stack.db, request.id))!.flags.filter((f) => f.kind === 'same-ip-as-candidate');
  expect(flags.map((f) => f.refereeName)).toEqual(['Grace Manager']); // the candidate's own answer only
});
