import { createHmac } from 'node:crypto';
import { verifyLeverSignature } from '../src/lever/signature';
import { type FakeLever, seedDemo, startFakeLever } from '../src/fake-lever/server';

/** The fake's contract (lever-api.md): refcheck's tests and demo rely on each of these behaviours. */

const KEY = 'test-api-key';
const BURST_KEY = 'burst-key';
let fake: FakeLever;

const basic = (key: string) => 'Basic ' + Buffer.from(`${key}:`).toString('base64');
async function api(path: string, init: { method?: string; body?: unknown; key?: string | null } = {}) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.key !== null) headers.authorization = basic(init.key ?? KEY);
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(fake.url + path, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  fake = await startFakeLever({ port: 0, apiKeys: [KEY, BURST_KEY] });
  seedDemo(fake); // opp-ada on posting-staff-engineer (tag "Engineering"), owned by user-grace
  fake.addOpportunity({ id: 'opp-notes', name: 'Note Taker', emails: ['n@example.com'], stage: 'stage-new' });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.clearFaults();
  fake.reset();
  fake.resetRateLimits();
});

describe('auth and errors', () => {
  test('a wrong API key gets 401 with {code, message}', async () => {
    const res = await api('/opportunities/opp-ada', { key: 'nope' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ code: 'UnauthorizedError', message: expect.any(String) });
  });

  test('a request without credentials gets 401', async () => {
    const res = await api('/stages', { key: null });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UnauthorizedError');
  });

  test('an unknown id gets 404 ResourceNotFound with {code, message}', async () => {
    const res = await api('/opportunities/does-not-exist');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ code: 'ResourceNotFound', message: expect.stringContaining('does-not-exist') });
  });

  test('an invalid note body gets 400 BadRequestError and writes nothing', async () => {
    const res = await api('/opportunities/opp-ada/notes', { method: 'POST', body: { value: '' } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('BadRequestError');
    expect(fake.writes).toEqual([]);
  });
});

describe('pagination', () => {
  test('limit=2 over 5 notes visits each note exactly once across 3 pages', async () => {
    for (let i = 1; i <= 5; i++) {
      const res = await api('/opportunities/opp-notes/notes', { method: 'POST', body: { value: `note ${i}` } });
      expect(res.status).toBe(201);
    }
    const seen: string[] = [];
    let offset: string | undefined;
    let pages = 0;
    do {
      const res = await api(`/opportunities/opp-notes/notes?limit=2${offset ? `&offset=${encodeURIComponent(offset)}` : ''}`);
      expect(res.status).toBe(200);
      pages++;
      seen.push(...res.body.data.map((n: { value: string }) => n.value));
      offset = res.body.hasNext ? res.body.next : undefined;
    } while (offset);
    expect(pages).toBe(3);
    expect(seen).toEqual(['note 1', 'note 2', 'note 3', 'note 4', 'note 5']);
  });

  test('limit outside 1..100 gets 400', async () => {
    expect((await api('/stages?limit=0')).status).toBe(400);
    expect((await api('/stages?limit=101')).status).toBe(400);
  });
});

describe('rate limit (token bucket per key: 10/s, burst 20)', () => {
  test('25 concurrent requests on a fresh key: 20 succeed (and one more per 100 ms they take), the rest get 429 without Retry-After; ~1s later it refills', async () => {
    const started = performance.now();
    const burst = await Promise.all(Array.from({ length: 25 }, () => api('/stages', { key: BURST_KEY })));
    // The bucket refills at 10/s while the 25 are in flight: on a busy machine they take a few hundred ms.
    const refilled = Math.floor(((performance.now() - started) / 1000) * 10);
    const limited = burst.filter((r) => r.status === 429);
    const ok = burst.filter((r) => r.status === 200).length;
    expect(ok).toBeGreaterThanOrEqual(20);
    expect(ok).toBeLessThanOrEqual(20 + refilled);
    expect(limited).toHaveLength(25 - ok);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0].body).toEqual({ code: 'TooManyRequestsError', message: 'Rate limit exceeded' });
    expect(limited[0].headers.get('retry-after')).toBeNull();
    expect(fake.count429()).toBe(limited.length);

    await sleep(1000); // 10 tokens back
    const later = await Promise.all(Array.from({ length: 10 }, () => api('/stages', { key: BURST_KEY })));
    expect(later.map((r) => r.status)).toEqual(Array(10).fill(200));
  });
});

describe('fault injection', () => {
  test('status 503 once, then the same request succeeds', async () => {
    fake.injectFault({ method: 'GET', path: '/opportunities/opp-ada', status: 503 });
    const first = await api('/opportunities/opp-ada');
    const second = await api('/opportunities/opp-ada');
    expect([first.status, first.body.code]).toEqual([503, 'ServiceUnavailable']);
    expect(second.status).toBe(200);
  });

  test('afterWrite: the note is committed but the response is a 500', async () => {
    fake.injectFault({ method: 'POST', path: /\/notes$/, afterWrite: true });
    const res = await api('/opportunities/opp-ada/notes', { method: 'POST', body: { value: 'lost response' } });
    expect(res.status).toBe(500);
    expect(fake.notes('opp-ada').map((n) => n.value)).toContain('lost response');
    expect(fake.writes).toEqual([{ method: 'POST', path: '/opportunities/opp-ada/notes', body: { value: 'lost response' } }]);
  });

  test('delayMs holds the request, then answers normally', async () => {
    fake.injectFault({ path: '/stages', delayMs: 300 });
    const started = Date.now();
    const res = await api('/stages');
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  test('a client that gives up during a delay still gets its write committed', async () => {
    fake.injectFault({ method: 'POST', path: '/notes', delayMs: 300 });
    const res = fetch(fake.url + '/opportunities/opp-notes/notes', {
      method: 'POST',
      headers: { authorization: basic(KEY), 'content-type': 'application/json' },
      body: JSON.stringify({ value: 'committed after timeout' }),
      signal: AbortSignal.timeout(50),
    });
    await expect(res).rejects.toThrow();
    await sleep(400);
    expect(fake.notes('opp-notes').map((n) => n.value)).toContain('committed after timeout');
  });
});

describe('opportunities', () => {
  test('expand=owner returns the user object; repeated expand also expands applications', async () => {
    const res = await api('/opportunities/opp-ada?expand=applications&expand=owner');
    expect(res.body.data.owner).toMatchObject({ id: 'user-grace', name: 'Grace Hopper', email: 'grace@example.com' });
    expect(res.body.data.applications).toEqual([expect.objectContaining({ type: 'posting', posting: 'posting-staff-engineer', opportunityId: 'opp-ada' })]);
    expect((await api('/opportunities/opp-ada')).body.data.owner).toBe('user-grace');
  });

  test("the posting's tags are inherited into the opportunity's tags", async () => {
    await api('/opportunities/opp-ada/addTags', { method: 'POST', body: { tags: ['refcheck:sent'] } });
    const res = await api('/opportunities/opp-ada');
    expect(res.body.data.tags).toEqual(expect.arrayContaining(['Engineering', 'refcheck:sent']));
    expect((await api('/opportunities?tag=Engineering')).body.data.map((o: { id: string }) => o.id)).toEqual(['opp-ada']);
  });

  test('addLinks twice with the same link keeps it once, but both calls are recorded', async () => {
    const link = 'https://refcheck.example/r/1';
    for (let i = 0; i < 2; i++) await api('/opportunities/opp-ada/addLinks', { method: 'POST', body: { links: [link] } });
    expect(fake.links('opp-ada').filter((l) => l === link)).toHaveLength(1);
    expect(fake.writes.filter((w) => w.path.endsWith('/addLinks'))).toHaveLength(2);
  });

  test('PUT stage rejects an unknown stage with 400 and moves to a known one', async () => {
    expect((await api('/opportunities/opp-notes/stage', { method: 'PUT', body: { stage: 'stage-nope' } })).status).toBe(400);
    const ok = await api('/opportunities/opp-notes/stage', { method: 'PUT', body: { stage: 'stage-offer' } });
    expect([ok.status, ok.body.data.stage]).toEqual([200, 'stage-offer']);
  });

  test('PUT archived with the hired reason archives; null unarchives', async () => {
    await api('/opportunities/opp-notes/archived', { method: 'PUT', body: { reason: 'reason-hired' } });
    expect(fake.archived('opp-notes')).toEqual({ reason: 'reason-hired', archivedAt: expect.any(Number) });
    await api('/opportunities/opp-notes/archived', { method: 'PUT', body: { reason: null } });
    expect(fake.archived('opp-notes')).toBeNull();
  });
});

describe('webhooks and the human page', () => {
  test("signWebhook's signature verifies with an independent HMAC and with refcheck's verifier", () => {
    const body = fake.signWebhook('candidateStageChange', { opportunityId: 'opp-ada', toStageId: 'stage-refcheck' }, 'sig-token');
    expect(body.token).toMatch(/^[0-9a-f]{48}$/);
    const expected = createHmac('sha256', 'sig-token').update(`${body.token}${body.triggeredAt}`).digest('hex');
    expect(body.signature).toBe(expected);
    expect(verifyLeverSignature('sig-token', body)).toBe(true);
    expect(verifyLeverSignature('other-token', body)).toBe(false);
  });

  test('the human page escapes a <script> in a note', async () => {
    await api('/opportunities/opp-ada/notes', { method: 'POST', body: { value: '<script>alert(1)</script>' } });
    const html = await (await fetch(fake.origin + '/')).text();
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
  });
});
