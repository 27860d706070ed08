import { type FakeLever, startFakeLever } from '../src/fake-lever/server';
import { LeverClient } from '../src/lever/client';
import { opportunityRefusedAsConfidential } from '../src/lever/confidential';

/**
 * Confidential records in the fake, as Lever documents them (help.lever.co, "How do I create an
 * API key with access to confidential data?"): lists leave them out unless asked with
 * `confidentiality`, even for a key with confidential access; a key without it gets a 403 on the
 * record and everything under it. And refcheck's side: its client asks for them only when the
 * connection says the key may, and tells a confidential refusal from a missing permission.
 */
const FULL = 'full-key';
const NO_CONFIDENTIAL = 'no-confidential-key';
const NO_OPPORTUNITIES = 'no-opportunities-key';
let fake: FakeLever;

const basic = (key: string) => 'Basic ' + Buffer.from(`${key}:`).toString('base64');
async function api(path: string, init: { method?: string; body?: unknown; key?: string } = {}) {
  const headers: Record<string, string> = { authorization: basic(init.key ?? FULL) };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(fake.url + path, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  return { status: res.status, body: (await res.json()) as { data: { id: string }[]; code?: string; message?: string } };
}
const ids = (r: { body: { data: { id: string }[] } }) => r.body.data.map((x) => x.id).sort();
const client = (apiKey: string, confidential = false) => new LeverClient({ baseUrl: fake.url, apiKey, confidential });

beforeAll(async () => {
  fake = await startFakeLever({
    apiKeys: [FULL],
    keyPermissions: {
      [NO_CONFIDENTIAL]: ['opportunities', 'postings', 'stages', 'users', 'notes', 'tags', 'links'],
      [NO_OPPORTUNITIES]: ['postings', 'stages', 'users'],
    },
  });
  fake.addPosting({ id: 'posting-open', text: 'Engineer', tags: ['Engineering'] });
  fake.addPosting({ id: 'posting-secret', text: 'Chief Secret Officer', tags: ['Engineering'], confidential: true });
  fake.addOpportunity({ id: 'opp-open', name: 'Olga Open', emails: ['same@example.com'], stage: 'stage-new', postingId: 'posting-open' });
  fake.addOpportunity({ id: 'opp-secret', name: 'Sam Secret', emails: ['same@example.com'], stage: 'stage-new', postingId: 'posting-secret' });
});
afterAll(() => fake.close());

describe('the confidentiality parameter on lists', () => {
  test('when a key with confidential access lists without it, then confidential records are left out (Lever\'s default)', async () => {
    expect(ids(await api('/postings?tag=Engineering'))).toEqual(['posting-open']);
    expect(ids(await api('/opportunities?email=same@example.com'))).toEqual(['opp-open']);
  });

  test('when it asks for all, or only confidential ones, then it gets them', async () => {
    expect(ids(await api('/postings?tag=Engineering&confidentiality=all'))).toEqual(['posting-open', 'posting-secret']);
    expect(ids(await api('/opportunities?confidentiality=confidential'))).toEqual(['opp-secret']);
    expect(ids(await api('/opportunities?confidentiality=non-confidential'))).toEqual(['opp-open']);
  });

  test('when a key without confidential access asks for all, then confidential records are still left out', async () => {
    expect(ids(await api('/postings?confidentiality=all', { key: NO_CONFIDENTIAL }))).toEqual(['posting-open']);
    expect(ids(await api('/opportunities?confidentiality=confidential', { key: NO_CONFIDENTIAL }))).toEqual([]);
  });

  test('when the value is not one of Lever\'s, then 400', async () => {
    const res = await api('/postings?confidentiality=secret');
    expect([res.status, res.body.code]).toEqual([400, 'BadRequestError']);
  });
});

describe('a confidential opportunity and a key without confidential access', () => {
  test('when the key writes a note on it, then Lever refuses that too (so refcheck cannot explain in Lever)', async () => {
    const res = await api('/opportunities/opp-secret/notes', { method: 'POST', body: { value: 'why refcheck stopped' }, key: NO_CONFIDENTIAL });
    expect(res.status).toBe(403);
    expect(fake.notes('opp-secret')).toHaveLength(0);
  });
});

describe('refcheck\'s Lever client', () => {
  test('when the connection has confidential access, then its lists ask for confidential records too; otherwise not', async () => {
    expect((await client(FULL, true).listPostingsByTag('Engineering')).map((p) => p.id).sort()).toEqual(['posting-open', 'posting-secret']);
    expect((await client(FULL, true).findOpportunitiesByEmail('same@example.com')).map((o) => o.id).sort()).toEqual(['opp-open', 'opp-secret']);
    expect((await client(FULL).listPostingsByTag('Engineering')).map((p) => p.id)).toEqual(['posting-open']);
  });

  test('when Lever refuses an opportunity, then a confidential one is told apart from a key without the opportunities permission', async () => {
    expect(await opportunityRefusedAsConfidential(client(NO_CONFIDENTIAL), 'opp-secret')).toBe(true);
    expect(await opportunityRefusedAsConfidential(client(NO_CONFIDENTIAL), 'opp-open')).toBe(false);
    expect(await opportunityRefusedAsConfidential(client(NO_OPPORTUNITIES), 'opp-secret')).toBe(false);
    expect(await opportunityRefusedAsConfidential(client(FULL), 'opp-secret')).toBe(false);
  });
});
