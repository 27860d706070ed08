import { randomBytes } from 'node:crypto';
import { insertOrganisation } from '../src/db/accounts';
import { consoleClient, consoleUser, textOf, type ConsoleUser } from './helpers/console';
import { startCheck, until } from './helpers/journey';
import { API_KEY, startStack, TRIGGER_STAGE, type Stack } from './helpers/stack';

/**
 * The console over HTTP, as an admin and a recruiter meet it: sign-in and its throttling, CSRF,
 * roles, organisations that cannot reach each other, a connection made and checked against
 * Lever, Lever's "Verify the connection" on every URL, a disabled connection, and checks.
 */
let stack: Stack;
let admin: ConsoleUser;
beforeAll(async () => {
  stack = await startStack();
  admin = await consoleUser(stack, 'admin');
});
afterAll(() => stack?.close());

const countConnections = async () => Number((await stack.db.query<{ n: string }>('select count(*) as n from lever_connections where organisation_id = $1', [stack.organisationId]))[0].n);

describe('signing in', () => {
  test('a wrong password and an unknown address get the same answer, which names neither', async () => {
    const someone = consoleClient(stack.apiUrl);
    const wrongPassword = await someone.signIn(admin.email, 'not the password at all');
    const unknown = await someone.signIn(`nobody.${randomBytes(3).toString('hex')}@acme.test`, 'whatever whatever');
    for (const r of [wrongPassword, unknown]) {
      expect(r.status).toBe(401);
      expect(textOf(r.html)).toContain('Wrong email or password.');
    }
  });

  test('after five wrong passwords for an address, even the right one is refused for a while', async () => {
    const victim = await consoleUser(stack, 'recruiter');
    const guesser = consoleClient(stack.apiUrl);
    for (let i = 0; i < 5; i++) expect((await guesser.signIn(victim.email, `guess number ${i} 1234`)).status).toBe(401);
    const right = await guesser.signIn(victim.email, 'correct horse battery staple');
    expect(right.status).toBe(429);
    expect(textOf(right.html)).toContain('Too many attempts');
  });

  test('a sign-in link cannot send the person on to another site', async () => {
    for (const next of ['//evil.example/console', 'https://evil.example/', '/console/../\\evil.example', '/consoleevil']) {
      const user = consoleClient(stack.apiUrl);
      await user.get(`/console/login?next=${encodeURIComponent(next)}`);
      const res = await user.post('/console/login', { email: admin.email, password: 'correct horse battery staple', next });
      expect({ next, status: res.status, location: res.location }).toEqual({ next, status: 303, location: '/console/checks' });
    }
  });

  test('the session cookie is HttpOnly and SameSite, and the console needs it', async () => {
    const fresh = consoleClient(stack.apiUrl);
    await fresh.get('/console/login');
    const res = await fetch(`${stack.apiUrl}/console/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ email: 'x@y.test', password: 'p' }) });
    expect(res.status).toBe(403); // no CSRF token
    const signedOut = await fresh.get('/console/checks');
    expect(signedOut.status).toBe(303);
    expect(signedOut.location).toMatch(/^\/console\/login\?next=/);
    const login = await fetch(`${stack.apiUrl}/console/checks`, { headers: { cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }, redirect: 'manual' });
    expect(login.status).toBe(200);
    const user = consoleClient(stack.apiUrl);
    await user.get('/console/login');
    const signIn = await fetch(`${stack.apiUrl}/console/login`, {
      method: 'POST', redirect: 'manual',
      headers: { cookie: [...user.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: /name="_csrf" value="([^"]+)"/.exec((await user.get('/console/login')).html)![1], email: admin.email, password: 'correct horse battery staple' }),
    });
    const session = signIn.headers.getSetCookie().find((c) => c.startsWith('refcheck.console='));
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
  });
});

describe('connections', () => {
  test('a form without its CSRF token is refused and changes nothing', async () => {
    const before = await countConnections();
    const res = await admin.post('/console/connections', { name: 'Forged', environment: 'url', url: stack.fake.url, apiKey: API_KEY }, { csrf: null });
    expect(res.status).toBe(403);
    expect(await countConnections()).toBe(before);
  });

  test('a wrong key is refused with Lever\'s message; the right one makes a connection whose stage comes from Lever', async () => {
    await admin.get('/console/connections/new');
    const before = await countConnections();
    const wrong = await admin.post('/console/connections', { name: 'Initech', environment: 'url', url: stack.fake.url, apiKey: 'not-the-key' });
    expect(wrong.status).toBe(422);
    expect(textOf(wrong.html)).toContain('Lever refused this API key. Lever said: "Invalid API key"');
    expect(await countConnections()).toBe(before);

    const empty = await admin.post('/console/connections', { name: '', environment: 'url', url: 'ftp://nope' });
    expect(empty.status).toBe(422);
    expect(textOf(empty.html)).toMatch(/Name the connection/);
    expect(textOf(empty.html)).toMatch(/starting with https:\/\//);

    const made = await admin.post('/console/connections', { name: 'Initech', environment: 'url', url: stack.fake.url, apiKey: API_KEY });
    expect(made.status).toBe(303);
    const page = await admin.get(made.location!);
    expect(textOf(page.html)).toContain('Lever accepted the key');
    // The dropdown holds Lever's own stages; a made-up id is refused.
    expect(page.html).toContain(`<option value="${TRIGGER_STAGE}">Reference check</option>`);
    expect(page.html).not.toContain(API_KEY);
    const bogus = await admin.post(`${made.location}/stage`, { stage: 'stage-made-up' });
    expect(bogus.status).toBe(422);
    expect(textOf(bogus.html)).toContain('Lever has no such stage');
    expect((await admin.post(`${made.location}/stage`, { stage: TRIGGER_STAGE })).status).toBe(303);
    expect(textOf((await admin.get(made.location!)).html)).toContain('Candidates moved to "Reference check" will get a reference check');
  });

  test('every webhook URL answers Lever\'s "Verify the connection" and the page shows the ping', async () => {
    const made = await admin.post('/console/connections', { name: 'Verify Co', environment: 'url', url: stack.fake.url, apiKey: API_KEY });
    const connectionPath = made.location!;
    const connectionId = connectionPath.split('/').pop()!;
    const tokens = Object.fromEntries(['candidateStageChange', 'candidateHired', 'candidateArchiveChange', 'candidateDeleted'].map((e) => [e, randomBytes(24).toString('hex')]));
    expect((await admin.post(`${connectionPath}/webhooks`, { mode: 'each', ...tokens })).status).toBe(303);
    for (const [event, token] of Object.entries(tokens)) {
      // Lever's test delivery: a signed candidateHired with empty data, to the URL being verified.
      const ping = stack.fake.signWebhook('candidateHired', {}, token);
      const res = await fetch(`${stack.apiUrl}/webhooks/lever/${connectionId}/${event}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ping) });
      expect({ event, status: res.status }).toEqual({ event, status: 200 });
    }
    const page = await admin.get(connectionPath);
    expect(page.html.match(/seen \d{4}-\d\d-\d\d/g)).toHaveLength(4);
    // A ping signed with another webhook's token is refused.
    const forged = stack.fake.signWebhook('candidateHired', {}, tokens.candidateHired);
    expect((await fetch(`${stack.apiUrl}/webhooks/lever/${connectionId}/candidateStageChange`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(forged) })).status).toBe(401);
  });

  test('a disabled connection acknowledges a stage change, starts nothing and says so', async () => {
    const made = await admin.post('/console/connections', { name: 'Paused Inc', environment: 'url', url: stack.fake.url, apiKey: API_KEY });
    const path = made.location!;
    const id = path.split('/').pop()!;
    const token = randomBytes(24).toString('hex');
    await admin.post(`${path}/stage`, { stage: TRIGGER_STAGE });
    await admin.post(`${path}/webhooks`, { mode: 'one', all: token });
    expect((await admin.post(`${path}/enabled`, {})).status).toBe(303);
    const opp = stack.seedCandidate();
    const body = stack.fake.signWebhook('candidateStageChange', { opportunityId: opp, toStageId: TRIGGER_STAGE }, token);
    const res = await fetch(`${stack.apiUrl}/webhooks/lever/${id}/candidateStageChange`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ outcome: 'disabled' });
    expect(await stack.db.query('select 1 from checks where connection_id = $1', [id])).toHaveLength(0);
    expect(textOf((await admin.get(path)).html)).toMatch(/Last delivery: .*disabled/);
  });

  test('deleting asks for the name, and is refused while checks run', async () => {
    const opp = stack.seedCandidate();
    await startCheck(stack, opp);
    const path = `/console/connections/${stack.connectionId}`;
    expect((await admin.get(`${path}/delete`)).status).toBe(200);
    expect((await admin.post(`${path}/delete`, { confirm: 'wrong name' })).status).toBe(422);
    const refused = await admin.post(`${path}/delete`, { confirm: 'Acme Test' });
    expect(refused.status).toBe(409);
    expect(textOf(refused.html)).toContain('Checks are still running');
  });
});

describe('roles and organisations', () => {
  test('a recruiter sees checks but no connection, secret or template', async () => {
    const recruiter = await consoleUser(stack, 'recruiter');
    expect((await recruiter.get('/console/checks')).status).toBe(200);
    for (const path of ['/console/connections', `/console/connections/${stack.connectionId}`, '/console/templates', '/console/team']) {
      expect({ path, status: (await recruiter.get(path)).status }).toEqual({ path, status: 403 });
    }
    expect((await recruiter.post('/console/connections', { name: 'Mine', environment: 'url', url: stack.fake.url, apiKey: API_KEY })).status).toBe(403);
  });

  test('another organisation\'s connection and checks cannot be reached by guessing their ids', async () => {
    const opp = stack.seedCandidate();
    await startCheck(stack, opp);
    const otherOrg = `o_${randomBytes(6).toString('hex')}`;
    await insertOrganisation(stack.db, { id: otherOrg, name: 'Globex' });
    const outsider = await consoleUser(stack, 'admin', otherOrg);
    expect((await outsider.get(`/console/connections/${stack.connectionId}`)).status).toBe(404);
    expect((await outsider.post(`/console/connections/${stack.connectionId}/enabled`, {})).status).toBe(404);
    expect((await outsider.get(`/console/checks/${stack.connectionId}/${opp}`)).status).toBe(404);
    expect((await outsider.post(`/console/checks/${stack.connectionId}/${opp}/actions/cancel`, {})).status).toBe(404);
    const list = await outsider.get(`/console/checks?q=${opp}`);
    expect(list.html).not.toContain(`data-opportunity="${opp}"`);
    expect(textOf(list.html)).toContain("No checks match these filters");
    expect((await stack.db.query<{ enabled: boolean }>('select enabled from lever_connections where id = $1', [stack.connectionId]))[0].enabled).toBe(true);
  });
});

describe('checks', () => {
  test('a check appears with the candidate and job, is found by name, and is cancelled with a note in Lever', async () => {
    const opp = stack.seedCandidate();
    await startCheck(stack, opp);
    const list = await admin.get('/console/checks?q=lovelace');
    expect(textOf(list.html)).toContain('Ada Lovelace');
    expect(list.html).toContain(`data-opportunity="${opp}"`);
    const path = `/console/checks/${stack.connectionId}/${opp}`;
    const page = await admin.get(path);
    expect(textOf(page.html)).toContain('Waiting for the candidate to name referees');
    expect(page.html).toContain('/namespaces/default/workflows/reference-check%2F');
    expect((await admin.get(`${path}/confirm/cancel`)).status).toBe(200);
    expect((await admin.post(`${path}/actions/cancel`, {})).status).toBe(303);
    await until('the note in Lever', () => stack.fake.notes(opp).find((n) => n.value.includes('cancelled')));
    await until('the check to show as cancelled', async () => textOf((await admin.get(path)).html).includes('Cancelled in refcheck'));
    expect(textOf((await admin.get(path)).html)).toContain('check.cancel by admin person');
  });

  test('a check started from the console for a Lever URL runs without a stage change', async () => {
    const opp = stack.seedCandidate();
    stack.fake.setStage(opp, 'stage-new');
    await admin.get('/console/checks/new');
    const bad = await admin.post('/console/checks', { connection: stack.connectionId, opportunity: 'not a url or id!' });
    expect(bad.status).toBe(422);
    const res = await admin.post('/console/checks', { connection: stack.connectionId, opportunity: `https://hire.lever.co/candidates/${opp}` });
    expect(res.status).toBe(303);
    await stack.catcher.waitFor((m) => m.to.some((t) => t.includes(opp)));
  });
});
