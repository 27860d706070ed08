import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { buildApp } from '../src/http/app';
import { payloadCodec } from '../src/temporal';
import { toJson } from '../src/temporal-codec/payload-json';
import { launchChromium } from './helpers/browser';
import { consoleUser } from './helpers/console';
import { startStack, TEST_PAYLOAD_KEYS, type Stack } from './helpers/stack';

/**
 * The codec endpoint the Temporal UI calls to show payloads in clear: only for a signed-in
 * console admin, and readable (CORS) only from the UI's own origin. Anyone else gets 401 and the
 * UI keeps showing ciphertext.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack.close());

const UI_ORIGIN = 'http://localhost:8233'; // the stack's TEMPORAL_UI_URL
const secret = { candidate: 'Ada Lovelace', email: 'ada@candidate.test' };
const rotatedOutKey = TEST_PAYLOAD_KEYS.split(',')[1];

const encrypt = async (value: unknown, keys = TEST_PAYLOAD_KEYS) => payloadCodec({ TEMPORAL_PAYLOAD_KEYS: keys }).encode([defaultPayloadConverter.toPayload(value)]);
type PayloadsBody = { payloads: { metadata: Record<string, string>; data: string }[]; error?: string; message?: string };
const valuesOf = (body: PayloadsBody) =>
  body.payloads.map((p) => defaultPayloadConverter.fromPayload<unknown>({ metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])), data: Buffer.from(p.data, 'base64') }));

async function codec(path: '/codec/decode' | '/codec/encode', payloads: Payload[], init: { cookie?: string; origin?: string; namespace?: string } = {}) {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-namespace': init.namespace ?? 'default', ...(init.origin ? { origin: init.origin } : {}), ...(init.cookie ? { cookie: init.cookie } : {}) },
    body: JSON.stringify(toJson(payloads)),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as PayloadsBody };
}
const cookieOf = (user: { cookies: Map<string, string> }) => [...user.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

test('when nobody is signed in, then decode is refused with 401 and a foreign page gets no CORS permission', async () => {
  const res = await codec('/codec/decode', await encrypt(secret), { origin: 'https://evil.example' });
  expect(res.status).toBe(401);
  expect(JSON.stringify(res.body)).not.toContain('Lovelace');
  expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  expect(res.headers.get('access-control-allow-origin')).toBeNull();

  const fromTheUi = await codec('/codec/decode', await encrypt(secret), { origin: UI_ORIGIN });
  expect(fromTheUi.status).toBe(401);
});

test('when the UI asks for permission (preflight), then only its own origin is allowed, with credentials', async () => {
  const preflight = (origin: string) => fetch(`${stack.apiUrl}/codec/decode`, {
    method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
  });
  const ui = await preflight(UI_ORIGIN);
  expect(ui.status).toBe(204);
  expect(ui.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
  expect(ui.headers.get('access-control-allow-credentials')).toBe('true');
  expect(ui.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');
  const evil = await preflight('https://evil.example');
  expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  expect(evil.headers.get('access-control-allow-credentials')).toBeNull();
});

test('when a signed-in admin decodes from the UI, then payloads come back in clear, under the current and a rotated-out key, and plain ones unchanged', async () => {
  const admin = await consoleUser(stack, 'admin');
  const [current] = await encrypt(secret);
  const [old] = await encrypt({ step: 'old key' }, rotatedOutKey);
  const plain = defaultPayloadConverter.toPayload('written before encryption');
  const res = await codec('/codec/decode', [current, old, plain], { cookie: cookieOf(admin), origin: UI_ORIGIN });
  expect(res.status).toBe(200);
  expect(res.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
  expect(res.headers.get('access-control-allow-credentials')).toBe('true');
  expect(valuesOf(res.body)).toEqual([secret, { step: 'old key' }, 'written before encryption']);
});

test('when an admin encodes (the UI sending a signal), then the result is encrypted under the current key and decodes back', async () => {
  const admin = await consoleUser(stack, 'admin');
  const encoded = await codec('/codec/encode', [defaultPayloadConverter.toPayload(secret)], { cookie: cookieOf(admin), origin: UI_ORIGIN });
  expect(encoded.status).toBe(200);
  expect(Buffer.from(encoded.body.payloads[0].metadata['encryption-key-id'], 'base64').toString()).toBe('test2');
  expect(Buffer.from(encoded.body.payloads[0].data, 'base64').toString()).not.toContain('Lovelace');
  const back = await fetch(`${stack.apiUrl}/codec/decode`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: cookieOf(admin) }, body: JSON.stringify(encoded.body) });
  expect(valuesOf((await back.json()) as PayloadsBody)).toEqual([secret]);
});

test('when a ciphertext was tampered with, then decode answers 422 with a clear reason, and the endpoint keeps working', async () => {
  const admin = await consoleUser(stack, 'admin');
  const [payload] = await encrypt(secret);
  const tampered = { ...payload, data: Buffer.from(payload.data!) };
  tampered.data[tampered.data.length - 20] ^= 0x01;
  const res = await codec('/codec/decode', [tampered], { cookie: cookieOf(admin), origin: UI_ORIGIN });
  expect(res.status).toBe(422);
  expect(res.body).toEqual({ error: 'undecryptable', message: expect.stringMatching(/failed authentication: it was altered/) });

  const unknownKey = { ...payload, metadata: { ...payload.metadata, 'encryption-key-id': Buffer.from('gone') } };
  expect((await codec('/codec/decode', [unknownKey], { cookie: cookieOf(admin) })).body.message).toMatch(/key "gone", which TEMPORAL_PAYLOAD_KEYS does not list/);

  const again = await codec('/codec/decode', [payload], { cookie: cookieOf(admin), origin: UI_ORIGIN });
  expect(valuesOf(again.body)).toEqual([secret]);
});

test('when a recruiter, another origin or another namespace asks, then nothing is decoded', async () => {
  const recruiter = await consoleUser(stack, 'recruiter');
  const admin = await consoleUser(stack, 'admin');
  const payloads = await encrypt(secret);
  expect((await codec('/codec/decode', payloads, { cookie: cookieOf(recruiter), origin: UI_ORIGIN })).status).toBe(403);
  const foreign = await codec('/codec/decode', payloads, { cookie: cookieOf(admin), origin: 'https://evil.example' });
  expect(foreign.status).toBe(403);
  expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  expect((await codec('/codec/decode', payloads, { cookie: cookieOf(admin), namespace: 'other' })).status).toBe(400);
  const junk = await fetch(`${stack.apiUrl}/codec/decode`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: cookieOf(admin) }, body: '{"payloads":[{"data":"not base64!"}]}' });
  expect(junk.status).toBe(400);
});

test('in Chromium, the UI\'s page reads decoded payloads with the admin\'s session cookie, and another origin\'s page cannot read them', async () => {
  // Stand-ins for the Temporal UI and another page on the same machine, and an api that trusts that UI's origin.
  const ui = await listen(createServer((_req, res) => res.end('<html><body>Temporal UI</body></html>')));
  const other = await listen(createServer((_req, res) => res.end('<html><body>another page</body></html>')));
  const uiOrigin = `http://localhost:${ui.port}`;
  const config = { ...stack.config, TEMPORAL_UI_ORIGIN: uiOrigin };
  const api = await listen(createServer(buildApp({ config, db: stack.db, box: stack.box, links: stack.links, temporal: stack.client, checks: stack.checks, logger: stack.logger })));
  const admin = await consoleUser(stack, 'admin');
  const body = JSON.stringify(toJson(await encrypt(secret)));
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    await context.addCookies([...admin.cookies].map(([name, value]) => ({ name, value, domain: 'localhost', path: '/', httpOnly: true, sameSite: 'Lax' as const })));
    const decodeFrom = async (origin: string) => {
      const page = await context.newPage();
      await page.goto(`${origin}/namespaces/default/workflows`);
      // What the UI does with "include cross-origin credentials" on.
      return page.evaluate(async ({ endpoint, body }) => {
        try {
          const res = await fetch(`${endpoint}/decode`, { method: 'POST', credentials: 'include', headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default' }, body });
          return { status: res.status, body: await res.json() };
        } catch (err) {
          return { blocked: String(err) };
        }
      }, { endpoint: `http://localhost:${api.port}/codec`, body });
    };
    const fromUi = await decodeFrom(uiOrigin);
    expect(fromUi.status).toBe(200);
    expect(valuesOf(fromUi.body as PayloadsBody)).toEqual([secret]);
    expect(await decodeFrom(`http://localhost:${other.port}`)).toEqual({ blocked: expect.stringContaining('Failed to fetch') });
  } finally {
    await browser.close();
    for (const s of [api, ui, other]) await s.close();
  }
});

async function listen(server: Server) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((r) => server.close(r)) };
}
