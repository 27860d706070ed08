import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FakeLever, seedDemo, startFakeLever } from '../src/fake-lever/server';

/** What an admin console needs from the fake, each in Lever's documented shapes (lever-api.md). */

const KEY = 'full-key';
const STAGES_ONLY = 'stages-only-key';
const NO_CONFIDENTIAL = 'no-confidential-key';
let fake: FakeLever;

const basic = (key: string) => 'Basic ' + Buffer.from(`${key}:`).toString('base64');
async function api(path: string, init: { method?: string; body?: unknown; key?: string } = {}) {
  const headers: Record<string, string> = { authorization: basic(init.key ?? KEY) };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(fake.url + path, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
/** The fake's /_fake control surface (no auth), JSON in and out. */
async function control(path: string, init: { method?: string; body?: unknown } = {}) {
  const res = await fetch(`${fake.origin}/_fake${path}`, {
    method: init.method ?? 'POST',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
const ids = (body: { data: { id: string }[] }) => body.data.map((x) => x.id);

/** A webhook endpoint that records what it receives and answers `status`. */
type Received = { headers: Record<string, string | string[] | undefined>; body: Record<string, unknown> };
async function receiver(status: number): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(raw) as Record<string, unknown> });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/lever/webhook`, received, close: () => new Promise((r) => server.close(() => r())) };
}
const hmacOk = (token: string, b: Record<string, unknown>) =>
  createHmac('sha256', token).update(`${String(b.token)}${String(b.triggeredAt)}`).digest('hex') === b.signature;

beforeAll(async () => {
  fake = await startFakeLever({
    apiKeys: [KEY],
    keyPermissions: {
      [STAGES_ONLY]: ['stages'],
      [NO_CONFIDENTIAL]: ['opportunities', 'postings', 'stages', 'users', 'notes', 'tags', 'links', 'files'],
    },
  });
  seedDemo(fake); // user-grace, posting-staff-engineer (tag "Engineering"), opp-ada <ada@example.com>
  fake.addUser({ id: 'user-limited', name: 'Lin Ited', email: 'Lin.Ited@Example.com', accessRole: 'limited team member' });
  fake.addPosting({ id: 'posting-closed', text: 'Archivist', tags: ['Engineering', 'Docs'], state: 'closed' });
  fake.addPosting({ id: 'posting-lowercase', text: 'Intern', tags: ['engineering'] });
  fake.addPosting({ id: 'posting-secret', text: 'Chief Secret Officer', tags: ['Engineering'], confidential: true });
  fake.addOpportunity({ id: 'opp-secret', name: 'Sam Secret', emails: ['sam@example.com'], stage: 'stage-new', postingId: 'posting-secret' });
  fake.addOpportunity({ id: 'opp-archived', name: 'Arc Hive', emails: ['arc@example.com'], stage: 'stage-new' });
  fake.store.setArchived('opp-archived', 'reason-withdrew');
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.resetRateLimits();
});

describe('per-key permissions', () => {
  test('when a key lacks a resource, then 403 Forbidden names the verb and the resource', async () => {
    const read = await api('/opportunities/opp-ada', { key: STAGES_ONLY });
    expect(read).toEqual({ status: 403, body: { code: 'Forbidden', message: 'This API key does not have permission to read opportunities' } });
    const write = await api('/opportunities/opp-ada/notes', { method: 'POST', body: { value: 'x' }, key: STAGES_ONLY });
    expect(write.body).toEqual({ code: 'Forbidden', message: 'This API key does not have permission to write notes' });
    expect(fake.notes('opp-ada')).toEqual([]);
  });

  test('when a key has the resource, or is not in the map, then it is served', async () => {
    expect((await api('/stages', { key: STAGES_ONLY })).status).toBe(200);
    expect((await api('/archive_reasons', { key: KEY })).status).toBe(200);
    expect((await api('/archive_reasons', { key: NO_CONFIDENTIAL })).body.message).toBe('This API key does not have permission to read archive_reasons');
  });
});

describe('postings list', () => {
  test('when filtered by tag, then only exact (case-sensitive) matches come back, with urls.show', async () => {
    // With confidentiality=all: Lever's lists leave confidential records out unless asked (fake-lever-confidential.test.ts).
    const res = await api('/postings?tag=Engineering&confidentiality=all');
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual(['posting-staff-engineer', 'posting-closed', 'posting-secret']);
    expect(res.body.hasNext).toBe(false);
    expect(res.body.data[0]).toMatchObject({ text: 'Staff Engineer', state: 'published', urls: { show: `${fake.origin}/#posting%3Aposting-staff-engineer` } });
    expect(ids((await api('/postings?tag=Docs&tag=engineering')).body)).toEqual(['posting-closed', 'posting-lowercase']);
  });

  test('when filtered by state, then only that state; pagination follows next', async () => {
    expect(ids((await api('/postings?state=closed')).body)).toEqual(['posting-closed']);
    expect((await api('/postings?state=bogus')).status).toBe(400);
    const first = await api('/postings?limit=2&confidentiality=all');
    expect([first.body.data.length, first.body.hasNext]).toEqual([2, true]);
    const second = await api(`/postings?limit=2&confidentiality=all&offset=${encodeURIComponent(first.body.next)}`);
    expect(ids(second.body)).toEqual(['posting-lowercase', 'posting-secret']);
  });

  test("the human page has the anchor urls.show points at", async () => {
    const html = await (await fetch(fake.origin + '/')).text();
    expect(html).toContain('id="posting:posting-staff-engineer"');
  });
});

describe('opportunities by email, archived; users by email', () => {
  test('when the email differs in case, then the opportunity is still found', async () => {
    expect(ids((await api('/opportunities?email=ADA@Example.COM')).body)).toEqual(['opp-ada']);
  });

  test('archived=true and archived=false split the list; anything else is a 400', async () => {
    const archived = ids((await api('/opportunities?archived=true')).body);
    const active = ids((await api('/opportunities?archived=false')).body);
    expect(archived).toContain('opp-archived');
    expect(active).toContain('opp-ada');
    expect(active).not.toContain('opp-archived');
    expect((await api('/opportunities?archived=yes')).status).toBe(400);
  });

  test('users by email ignore case and carry accessRole', async () => {
    const res = await api('/users?email=lin.ited@example.COM');
    expect(res.body.data).toEqual([expect.objectContaining({ id: 'user-limited', accessRole: 'limited team member' })]);
    expect((await api('/users/user-grace')).body.data.accessRole).toBe('admin');
  });
});

describe('lead creation', () => {
  test('when perform_as is missing or unknown, then 400 and nothing is written', async () => {
    const missing = await api('/opportunities', { method: 'POST', body: { name: 'No One', emails: ['no@example.com'] } });
    expect([missing.status, missing.body.code, missing.body.message]).toEqual([400, 'BadRequestError', expect.stringContaining('perform_as')]);
    const unknown = await api('/opportunities?perform_as=user-nobody', { method: 'POST', body: { name: 'No One' } });
    expect([unknown.status, unknown.body.message]).toEqual([400, expect.stringContaining('user-nobody')]);
    expect(fake.writes).toEqual([]);
  });

  test('when valid, then 201 with the opportunity in "New lead", and the write is recorded', async () => {
    const body = {
      name: 'Hedy Lamarr', headline: 'Inventor', emails: ['hedy@example.com'], phones: [{ value: '+1 555 0100', type: 'mobile' }],
      links: ['https://example.com/hedy'], tags: ['sourced-by-console'], sources: ['Console'], origin: 'sourced', owner: 'user-grace',
      postings: ['posting-staff-engineer'],
    };
    const res = await api('/opportunities?perform_as=user-grace', { method: 'POST', body });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      name: 'Hedy Lamarr', headline: 'Inventor', emails: ['hedy@example.com'], phones: [{ value: '+1 555 0100', type: 'mobile' }],
      links: ['https://example.com/hedy'], sources: ['Console'], origin: 'sourced', owner: 'user-grace', stage: 'stage-lead',
      stageChanges: [{ toStageId: 'stage-lead', userId: 'user-grace', updatedAt: expect.any(Number) }],
      applications: [expect.any(String)],
    });
    expect(res.body.data.tags).toEqual(expect.arrayContaining(['sourced-by-console', 'Engineering']));
    expect((await api('/stages')).body.data).toContainEqual({ id: 'stage-lead', text: 'New lead' });
    expect(fake.writes).toEqual([{ method: 'POST', path: '/opportunities', body }]);
  });

  test('when the email matches an existing contact (any case), then a new opportunity on that same contact', async () => {
    const ada = (await api('/opportunities/opp-ada')).body.data;
    const res = await api('/opportunities?perform_as=user-grace', { method: 'POST', body: { name: 'Ada Lovelace', emails: ['ADA@example.com'] } });
    expect(res.status).toBe(201);
    expect(res.body.data.id).not.toBe('opp-ada');
    expect(res.body.data.contact).toBe(ada.contact);
    expect(ids((await api(`/opportunities?contact_id=${encodeURIComponent(ada.contact)}`)).body)).toEqual(['opp-ada', res.body.data.id]);
  });

  test('when several postings are given, then 400', async () => {
    const res = await api('/opportunities?perform_as=user-grace', { method: 'POST', body: { name: 'Two Jobs', postings: ['posting-staff-engineer', 'posting-closed'] } });
    expect([res.status, res.body.message]).toEqual([400, expect.stringContaining('at most one posting')]);
  });
});

describe('files', () => {
  test('a multipart upload round-trips: listed with name, ext, size; downloadable; shown on the page', async () => {
    const form = new FormData();
    form.append('file', new Blob(['%PDF-1.4 reference report\r\n--not-a-boundary'], { type: 'application/pdf' }), 'Reference Report.pdf');
    const up = await fetch(`${fake.url}/opportunities/opp-ada/files`, { method: 'POST', headers: { authorization: basic(KEY) }, body: form });
    expect(up.status).toBe(201);
    const list = await api('/opportunities/opp-ada/files');
    expect(list.body.data).toEqual([{ id: expect.any(String), name: 'Reference Report.pdf', ext: 'pdf', size: 43, uploadedAt: expect.any(Number), downloadUrl: expect.stringContaining('/download') }]);
    const download = await fetch(list.body.data[0].downloadUrl, { headers: { authorization: basic(KEY) } });
    expect(download.headers.get('content-type')).toMatch(/^application\/pdf/);
    expect(await download.text()).toBe('%PDF-1.4 reference report\r\n--not-a-boundary');
    expect(fake.files('opp-ada')).toEqual([expect.objectContaining({ name: 'Reference Report.pdf', mimeType: 'application/pdf', size: 43 })]);
    expect(fake.writes).toEqual([{ method: 'POST', path: '/opportunities/opp-ada/files', body: { file: { name: 'Reference Report.pdf', size: 43, mimeType: 'application/pdf' } } }]);
    expect(await (await fetch(fake.origin + '/')).text()).toContain('Reference Report.pdf');
  });

  test('when the body has no file part, then 400', async () => {
    const form = new FormData();
    form.append('note', 'no file here');
    const res = await fetch(`${fake.url}/opportunities/opp-ada/files`, { method: 'POST', headers: { authorization: basic(KEY) }, body: form });
    expect(res.status).toBe(400);
  });
});

describe('confidential records', () => {
  test('without confidential access: 403 on the opportunity and the posting, left out of lists', async () => {
    const opp = await api('/opportunities/opp-secret', { key: NO_CONFIDENTIAL });
    expect([opp.status, opp.body.code, opp.body.message]).toEqual([403, 'Forbidden', expect.stringContaining('confidential')]);
    expect((await api('/postings/posting-secret', { key: NO_CONFIDENTIAL })).status).toBe(403);
    expect((await api('/opportunities/opp-secret/notes', { key: NO_CONFIDENTIAL })).status).toBe(403);
    expect(ids((await api('/opportunities', { key: NO_CONFIDENTIAL })).body)).not.toContain('opp-secret');
    expect(ids((await api('/postings?tag=Engineering', { key: NO_CONFIDENTIAL })).body)).not.toContain('posting-secret');
    const lead = await api('/opportunities?perform_as=user-grace', { method: 'POST', key: NO_CONFIDENTIAL, body: { name: 'X', postings: ['posting-secret'] } });
    expect(lead.status).toBe(403);
  });

  test('with confidential access (a key not in the map): served, marked confidential', async () => {
    const res = await api('/opportunities/opp-secret');
    expect([res.status, res.body.data.confidentiality]).toEqual([200, 'confidential']);
    expect((await api('/postings/posting-secret')).body.data.confidentiality).toBe('confidential');
  });
});

describe('webhook settings (as Lever\'s settings page)', () => {
  test('PUT generates a token; verify sends a signed candidateHired with empty data to that URL and reports its status', async () => {
    const hook = await receiver(202);
    const other = await receiver(200);
    try {
      await control('/webhooks/candidateHired', { method: 'PUT', body: { url: other.url, signingToken: 'hired-token-1234' } });
      const saved = await control('/webhooks/candidateStageChange', { method: 'PUT', body: { url: hook.url } });
      const token: string = saved.body.data.signingToken;
      expect(token).toMatch(/^[0-9a-f]{48}$/);
      const listed = (await control('/webhooks', { method: 'GET' })).body.data;
      expect(listed.map((w: { event: string }) => w.event)).toEqual(['candidateStageChange', 'candidateHired', 'candidateArchiveChange', 'candidateDeleted']);

      const verify = await control('/webhooks/candidateStageChange/verify');
      expect(verify.body.data).toMatchObject({ event: 'candidateStageChange', url: hook.url, status: 202 });
      expect(hook.received).toHaveLength(1);
      expect(other.received).toHaveLength(0);
      const { body, headers } = hook.received[0];
      expect(body).toMatchObject({ event: 'candidateHired', data: {}, triggeredAt: expect.any(Number), token: expect.any(String) });
      expect(headers['user-agent']).toBe('Lever-Webhooks');
      expect(hmacOk(token, body)).toBe(true);
      expect(hmacOk('hired-token-1234', body)).toBe(false);
    } finally {
      await hook.close();
      await other.close();
    }
  });

  test('the HTML page: save a URL by form, read the token, press Verify, see the status', async () => {
    const hook = await receiver(500);
    try {
      const page = await fetch(`${fake.origin}/_fake/settings/webhooks`);
      expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
      const html = await page.text();
      expect(html).toContain('action="/_fake/settings/webhooks/candidateArchiveChange"');
      expect(html).not.toContain('<script');

      const save = await fetch(`${fake.origin}/_fake/settings/webhooks/candidateArchiveChange`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ url: hook.url }), redirect: 'manual',
      });
      expect(save.status).toBe(303);
      const after = await (await fetch(`${fake.origin}/_fake/settings/webhooks`)).text();
      const token = /id="token-candidateArchiveChange" class="signing-token">([0-9a-f]+)</.exec(after)?.[1];
      expect(token).toBe(fake.webhookSettings().find((w) => w.event === 'candidateArchiveChange')?.signingToken);

      await fetch(`${fake.origin}/_fake/settings/webhooks/candidateArchiveChange/verify`, { method: 'POST', redirect: 'manual' });
      expect(hmacOk(token!, hook.received[0].body)).toBe(true);
      expect(await (await fetch(`${fake.origin}/_fake/settings/webhooks`)).text()).toMatch(/id="verify-candidateArchiveChange"[^>]*>Last verification: HTTP 500/);
    } finally {
      await hook.close();
    }
  });

  test('moving a candidate fires candidateStageChange to the settings webhook and to POST /_fake/webhooks subscriptions', async () => {
    const hook = await receiver(200);
    const sub = await receiver(204);
    try {
      fake.setWebhook('candidateStageChange', hook.url, 'stage-token-1');
      await control('/webhooks', { body: { event: 'candidateStageChange', url: sub.url, signingToken: 'stage-sub-token' } });
      fake.addOpportunity({ id: 'opp-moving', name: 'Mo Ving', emails: ['mo@example.com'], stage: 'stage-new' });
      const moved = await control('/opportunities/opp-moving/stage', { body: { stage: 'stage-refcheck' } });
      expect(moved.body.data.deliveries.map((d: { status: number }) => d.status)).toEqual([200, 204]);
      const data = { opportunityId: 'opp-moving', candidateId: 'opp-moving', contactId: 'contact-opp-moving', fromStageId: 'stage-new', toStageId: 'stage-refcheck' };
      expect(hook.received[0].body).toMatchObject({ event: 'candidateStageChange', data });
      expect(hmacOk('stage-token-1', hook.received[0].body)).toBe(true);
      expect(hmacOk('stage-sub-token', sub.received[0].body)).toBe(true);
    } finally {
      await hook.close();
      await sub.close();
    }
  });

  test('archive and delete fire candidateArchiveChange and candidateDeleted with the documented data, to settings and API subscriptions', async () => {
    const hook = await receiver(200);
    const sub = await receiver(200);
    try {
      fake.setWebhook('candidateArchiveChange', hook.url, 'archive-token-1');
      fake.setWebhook('candidateDeleted', hook.url, 'delete-token-1');
      await control('/webhooks', { body: { event: 'candidateDeleted', url: sub.url, signingToken: 'sub-token-123' } });
      fake.addOpportunity({ id: 'opp-gone', name: 'Gone Soon', emails: ['gone@example.com'], stage: 'stage-new' });

      const archived = await control('/opportunities/opp-gone/archive', { body: { reason: 'reason-withdrew' } });
      expect(archived.body.data.deliveries).toEqual([expect.objectContaining({ event: 'candidateArchiveChange', status: 200 })]);
      expect(hook.received[0].body).toMatchObject({
        event: 'candidateArchiveChange',
        data: { opportunityId: 'opp-gone', contactId: 'contact-opp-gone', fromArchived: null, toArchived: { reason: 'reason-withdrew', archivedAt: expect.any(Number) } },
      });
      expect(hmacOk('archive-token-1', hook.received[0].body)).toBe(true);

      const deleted = await control('/opportunities/opp-gone', { method: 'DELETE', body: { deletedBy: 'user-grace' } });
      expect(deleted.body.data.deliveries).toHaveLength(2);
      expect(hook.received[1].body).toMatchObject({ event: 'candidateDeleted', data: { opportunityId: 'opp-gone', contactId: 'contact-opp-gone', deletedBy: 'user-grace' } });
      expect(hmacOk('sub-token-123', sub.received[0].body)).toBe(true);
      expect((await api('/opportunities/opp-gone')).status).toBe(404);
    } finally {
      await hook.close();
      await sub.close();
    }
  });
});
