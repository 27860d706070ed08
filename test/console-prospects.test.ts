import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { insertOrganisation } from '../src/db/accounts';
import { insertConnection } from '../src/db/connections';
import { insertReferee, markInvited, recordAnswer } from '../src/db/referees';
import { openRequest } from '../src/db/requests';
import { insertTemplate } from '../src/db/templates';
import { refereeLink } from '../src/portal/links';
import { defaultTemplateSettings } from '../src/templates/surveys';
import { prospectExportWorkflowId, prospectWorkflowId, type prospectExport, type prospectOptIn } from '../workflows/prospects';
import { consoleUser, textOf, type ConsoleUser } from './helpers/console';
import { until } from './helpers/journey';
import { Visitor } from './helpers/portal';
import { API_KEY, startStack, type Stack } from './helpers/stack';
import { spawnWorker } from './helpers/worker-process';

/**
 * Prospects, through the console over HTTP, the referee's pages, the Temporal client and the fake
 * Lever: listing per organisation, settings, "export all" exactly once (also across a killed
 * worker), automatic export of a new opt-in, and withdrawal.
 */
const LEVER_USER = { id: 'user-rita', name: 'Rita Recruiter', email: 'rita@acme.test' };
const TAG = 'refcheck prospect';
const hex = () => randomBytes(5).toString('hex');

let stack: Stack;
let admin: ConsoleUser;
beforeAll(async () => {
  stack = await startStack();
  stack.fake.addUser(LEVER_USER);
  admin = await consoleUser(stack, 'admin');
}, 60_000);
afterAll(() => stack.close());

/** A connection of its own (same fake Lever and key), so each test's export sees only its prospects. */
async function newConnection(organisationId = stack.organisationId): Promise<string> {
  const id = `conn_${hex()}`;
  await insertConnection(stack.db, stack.box, {
    id, name: `Acme ${id}`, leverBaseUrl: stack.fake.url, apiKey: API_KEY, triggerStageId: 'stage-refcheck',
    hireConfirmationDelaySeconds: 3600, ownerAnswerTimeoutSeconds: 3600, hireSync: 'note-and-tag', signingTokens: {}, organisationId,
  });
  await insertTemplate(stack.db, id, { id: `tpl_${hex()}`, name: 'Standard', atsTag: null, isDefault: true, settings: defaultTemplateSettings() });
  return id;
}

async function openCheck(connectionId: string) {
  const [tpl] = await stack.db.query<{ id: string }>('select id from templates where connection_id = $1', [connectionId]);
  return openRequest(stack.db, {
    workflowId: `reference-check/${connectionId}/opp-${hex()}`, runId: hex(), connectionId, opportunityId: `opp-${hex()}`, templateId: tpl.id,
    candidateName: 'Ada Lovelace', candidateEmail: 'ada@candidate.test', postingTitle: 'Staff Engineer', requiredReferences: 2,
    deadlineAt: new Date(Date.now() + 86_400_000), templateSnapshot: defaultTemplateSettings(),
  });
}

/** Referees who answered and ticked "hear about jobs", stored as the referee page stores them. */
async function seedProspects(connectionId: string, n: number, prefix = 'p') {
  const request = await openCheck(connectionId);
  const out: { id: string; email: string; name: string }[] = [];
  for (let i = 0; i < n; i++) {
    const name = `Referee ${prefix}${i}`;
    const email = `${prefix}${i}.${hex()}@ref.test`;
    const r = await stack.db.withTransaction((tx) => insertReferee(tx, request.id, i, { relationship: 'peer', optional: false, name, email, company: 'Engines Ltd', title: 'Engineer' }));
    await recordAnswer(stack.db, r.id, { confirmed: { name, company: 'Engines Ltd', title: 'Engineer', relationship: 'peer' }, answers: [], optInJobs: true, ip: null, userAgent: null });
    out.push({ id: r.id, email, name });
  }
  return { request, prospects: out };
}

/** A referee who answers on their page, opting in to hear about jobs (or not). */
async function answerOnPage(connectionId: string, optIn: boolean) {
  const request = await openCheck(connectionId);
  const email = `page.${hex()}@ref.test`;
  const r = await stack.db.withTransaction((tx) => insertReferee(tx, request.id, 0, { relationship: 'manager', optional: false, name: 'Charles Babbage', email }));
  await markInvited(stack.db, r.id);
  const link = refereeLink(stack.links, stack.apiUrl, r.id, 3_600_000);
  const visitor = new Visitor('');
  await visitor.get(link);
  const answered = await visitor.post(link, {
    name: 'Charles Babbage', title: 'Director', company: 'Difference Engines', relationship: 'manager',
    q_overall: '5', q_reliability: '4', q_collaboration: '5', q_rehire: 'Yes, gladly', ...(optIn ? { opt_in_jobs: 'yes' } : {}),
  }, {}, '/answer');
  expect(answered.status).toBe(303);
  return { refereeId: r.id, email, link, visitor };
}

async function saveSettings(user: ConsoleUser, connectionId: string, s: { auto?: boolean; performAs?: string; tag?: string }) {
  await user.get('/console/prospects');
  return user.post(`/console/prospects/${connectionId}/settings`, { ...(s.auto ? { auto: 'on' } : {}), performAs: s.performAs ?? '', tag: s.tag ?? TAG });
}

async function exportAll(connectionId: string) {
  const confirm = await admin.get(`/console/prospects/${connectionId}/export`);
  expect(confirm.status).toBe(200);
  const started = await admin.post(`/console/prospects/${connectionId}/export`, {});
  expect(started.status).toBe(303);
  return stack.client.workflow.getHandle<typeof prospectExport>(prospectExportWorkflowId(connectionId)).result();
}

const leadWrites = () => stack.fake.writes.filter((w) => w.method === 'POST' && w.path === '/opportunities');
const leadWritesFor = (email: string) => leadWrites().filter((w) => JSON.stringify(w.body).includes(email));
const oppsWithEmail = (email: string) => [...stack.fake.store.opportunities.values()].filter((o) => o.emails.some((e) => e.toLowerCase() === email.toLowerCase()));

test('when an admin or recruiter opens Prospects, then they see their organisation\'s prospects with the check they came from, and not another organisation\'s', async () => {
  const connectionId = await newConnection();
  const { request, prospects } = await seedProspects(connectionId, 2, 'list');
  const otherOrg = `org_${hex()}`;
  await insertOrganisation(stack.db, { id: otherOrg, name: 'Other Co' });
  const other = await seedProspects(await newConnection(otherOrg), 1, 'other');

  const page = await admin.get('/console/prospects');
  expect(page.status).toBe(200);
  for (const p of prospects) expect(textOf(page.html)).toContain(p.email);
  expect(page.html).toContain(`/console/checks/${connectionId}/${request.opportunityId}`);
  expect(textOf(page.html)).toContain('Engines Ltd');
  expect(page.html).not.toContain(other.prospects[0].email);

  const recruiter = await consoleUser(stack, 'recruiter');
  const seen = await recruiter.get('/console/prospects');
  expect(seen.status).toBe(200);
  expect(seen.html).toContain(prospects[0].email);
  expect(seen.html).not.toContain(`/console/prospects/${connectionId}/settings`);
  expect((await recruiter.post(`/console/prospects/${connectionId}/settings`, { auto: 'on', performAs: LEVER_USER.id, tag: TAG })).status).toBe(403);
  expect((await recruiter.get(`/console/prospects/${connectionId}/export`)).status).toBe(403);

  const outsider = await consoleUser(stack, 'admin', otherOrg);
  const theirs = await outsider.get('/console/prospects');
  expect(theirs.html).toContain(other.prospects[0].email);
  expect(theirs.html).not.toContain(prospects[0].email);
  expect((await outsider.post(`/console/prospects/${connectionId}/settings`, { performAs: LEVER_USER.id, tag: TAG })).status).toBe(404);
});

test('when an admin saves the prospect settings, then the Lever user must come from Lever\'s users', async () => {
  const connectionId = await newConnection();
  const page = await admin.get('/console/prospects');
  expect(page.html).toContain(`<option value="${LEVER_USER.id}"`);
  expect((await saveSettings(admin, connectionId, { auto: true, performAs: 'made-up-user' })).status).toBe(422);
  expect((await saveSettings(admin, connectionId, { auto: true })).status).toBe(422);
  const saved = await saveSettings(admin, connectionId, { auto: true, performAs: LEVER_USER.id, tag: 'talent pool' });
  expect(saved.status).toBe(303);
  const [row] = await stack.db.query<{ a: boolean; p: string; t: string }>('select prospect_auto_export a, prospect_perform_as p, prospect_tag t from lever_connections where id = $1', [connectionId]);
  expect(row).toEqual({ a: true, p: LEVER_USER.id, t: 'talent pool' });
});

test('when an admin exports all prospects, then each is created once in Lever (source, tag, perform_as), someone Lever has is tagged not duplicated, and a second export creates nothing', async () => {
  const connectionId = await newConnection();
  await saveSettings(admin, connectionId, { performAs: LEVER_USER.id });
  const { prospects } = await seedProspects(connectionId, 3, 'exp');
  // Lever already knows the third referee (in other case): not created again, only tagged.
  stack.fake.addOpportunity({ id: `known-${hex()}`, name: 'Known Person', emails: [prospects[2].email.toUpperCase()], stage: 'stage-lead' });
  const before = leadWrites().length;

  const result = await exportAll(connectionId);
  expect(result).toMatchObject({ total: 3, exported: 3, created: 2, existing: 1, failed: 0 });
  expect(leadWrites().length - before).toBe(2);
  for (const p of prospects.slice(0, 2)) {
    const [write] = leadWritesFor(p.email);
    expect(write.body).toMatchObject({ name: p.name, emails: [p.email], sources: ['refcheck'], tags: [TAG], origin: 'sourced', headline: 'Engineer at Engines Ltd' });
    expect(oppsWithEmail(p.email)).toHaveLength(1);
  }
  const creates = stack.fake.requests.filter((r) => r.method === 'POST' && r.path === '/opportunities' && r.status === 201);
  expect(creates.slice(-2).every((r) => r.query.includes(`perform_as=${LEVER_USER.id}`))).toBe(true);
  const known = oppsWithEmail(prospects[2].email);
  expect(known).toHaveLength(1);
  expect(stack.fake.tags(known[0].id)).toContain(TAG);
  expect(stack.fake.writes.filter((w) => w.path === `/opportunities/${known[0].id}/addTags`)).toHaveLength(1);

  const page = textOf((await admin.get('/console/prospects')).html);
  expect(page).toContain('exported 3 of 3');
  expect(page).toContain(known[0].id);

  const again = await exportAll(connectionId);
  expect(again).toMatchObject({ total: 0, exported: 0 });
  expect(leadWrites().length - before).toBe(2);
}, 60_000);

test('when a referee opts in and the connection exports automatically, then they are created in Lever once, and mailed a withdraw link once', async () => {
  await saveSettings(admin, stack.connectionId, { auto: true, performAs: LEVER_USER.id });
  const { refereeId, email, link, visitor } = await answerOnPage(stack.connectionId, true);
  const result = await stack.client.workflow.getHandle<typeof prospectOptIn>(prospectWorkflowId(refereeId)).result();
  expect(result).toEqual({ export: 'created' });
  expect(leadWritesFor(email)).toHaveLength(1);
  const mail = await stack.catcher.waitFor((m) => m.to.includes(email) && m.text.includes('/referee/withdraw/'));
  expect(mail.subject).toContain('jobs');

  // The thank-you page carries the withdraw link too; answering again starts nothing.
  const thanks = await visitor.get(link);
  expect(thanks.html).toContain('/referee/withdraw/');
  expect((await visitor.post(link, { name: 'x' }, {}, '/answer')).status).toBe(409);
  const exportAgain = await exportAll(stack.connectionId);
  expect(exportAgain.created).toBe(0);
  expect(leadWritesFor(email)).toHaveLength(1);
  expect(stack.catcher.messages.filter((m) => m.to.includes(email))).toHaveLength(1);
  await saveSettings(admin, stack.connectionId, { auto: false, performAs: LEVER_USER.id });
}, 60_000);

test('when a prospect withdraws through the link in their mail, then they leave the page and are never exported; a tampered link gets 4xx and changes nothing', async () => {
  await saveSettings(admin, stack.connectionId, { auto: false, performAs: LEVER_USER.id });
  const { refereeId, email } = await answerOnPage(stack.connectionId, true);
  const stays = await answerOnPage(stack.connectionId, true);
  const mail = await stack.catcher.waitFor((m) => m.to.includes(email) && m.text.includes('/referee/withdraw/'));
  const withdraw = /(http:\/\/\S+\/referee\/withdraw\/\S+)/.exec(mail.text)![1];
  await until('the opt-in workflow to finish', async () => (await stack.client.workflow.getHandle(prospectWorkflowId(refereeId)).describe()).status.name === 'COMPLETED');
  expect(textOf((await admin.get('/console/prospects')).html)).toContain(email);

  // Tampered: a 4xx page, on GET and POST, and the prospect stays.
  const token = withdraw.split('/').pop()!;
  const tampered = `${stack.apiUrl}/referee/withdraw/${token.slice(0, -3)}${token.slice(-3) === 'AAA' ? 'BBB' : 'AAA'}`;
  const mallory = new Visitor('');
  expect((await mallory.get(tampered)).status).toBe(404);
  const forged = await mallory.post(tampered, {});
  expect(forged.status).toBeGreaterThanOrEqual(400);
  expect(forged.status).toBeLessThan(500);
  const wrongPurpose = `${stack.apiUrl}/referee/withdraw/${refereeLink(stack.links, '', refereeId, 60_000).split('/').pop()}`;
  expect((await mallory.get(wrongPurpose)).status).toBe(404);
  expect(textOf((await admin.get('/console/prospects')).html)).toContain(email);

  // A GET (a mail scanner) changes nothing; the button does.
  const person = new Visitor('');
  const confirm = await person.get(withdraw);
  expect(confirm.status).toBe(200);
  expect(textOf((await admin.get('/console/prospects')).html)).toContain(email);
  const done = await person.post(withdraw, {});
  expect(done.status).toBe(200);
  expect(textOf(done.html)).toContain('Withdrawn');

  const page = textOf((await admin.get('/console/prospects')).html);
  expect(page).not.toContain(email);
  expect(page).toContain(stays.email);
  await exportAll(stack.connectionId);
  expect(leadWritesFor(email)).toHaveLength(0);
  expect(leadWritesFor(stays.email)).toHaveLength(1);
}, 60_000);

test('measure: one export of 100 prospects, and the Lever calls it makes', async () => {
  const connectionId = await newConnection();
  await saveSettings(admin, connectionId, { performAs: LEVER_USER.id });
  const { prospects } = await seedProspects(connectionId, 100, 'bulk');
  const from = stack.fake.requests.length;
  const started = Date.now();
  const result = await exportAll(connectionId);
  const calls = stack.fake.requests.slice(from);
  // Only the export's calls: the console's own (GET /users on the pages) are counted apart.
  const exportCalls = calls.filter((r) => r.path.startsWith('/opportunities'));
  process.stdout.write(`prospect export of 100: ${calls.length} Lever requests in all (${exportCalls.length} by the export: ` +
    `${exportCalls.filter((r) => r.method === 'GET').length} GET, ${exportCalls.filter((r) => r.method === 'POST').length} POST; ` +
    `${calls.filter((r) => r.path === '/users').length} GET /users by the console pages), ${stack.fake.count429()} 429s, ${Date.now() - started} ms\n`);
  expect(result).toMatchObject({ total: 100, exported: 100, created: 100, failed: 0 });
  expect(exportCalls).toHaveLength(200);
  expect(calls.filter((r) => r.status === 429)).toHaveLength(0);
  for (const p of prospects) expect(oppsWithEmail(p.email)).toHaveLength(1);
}, 120_000);

test('when the worker is killed mid-export, then a new worker finishes it and each prospect is created exactly once', async () => {
  // The in-process worker stops; real worker processes take over the task queue.
  const inProcess = stack.worker!;
  await inProcess.close();
  // Stopped here: the stack's own close must not stop it a second time.
  inProcess.close = async () => undefined;
  const connectionId = await newConnection();
  await saveSettings(admin, connectionId, { performAs: LEVER_USER.id });
  const { prospects } = await seedProspects(connectionId, 20, 'crash');
  const first = spawnWorker(stack.config);
  await first.ready;

  // Once five leads are in, Lever takes 4 s over the next one and the worker dies meanwhile: Lever
  // commits that lead with nobody left to hear it. Small pages and a low history limit make the run
  // continue as new on the way.
  const before = leadWrites().length;
  await stack.checks.startProspectExport({ connectionId, performAs: LEVER_USER.id, tag: TAG, startedBy: 'test', pageSize: 5, batchSize: 5, maxHistoryEvents: 40 });
  await until('five leads in Lever', () => leadWrites().length - before >= 5, 60_000);
  stack.fake.injectFault({ method: 'POST', path: /^\/opportunities$/, delayMs: 4_000 });
  await new Promise((r) => setTimeout(r, 1_500));
  first.child.kill('SIGKILL');
  await once(first.child, 'exit');

  const second = spawnWorker(stack.config);
  try {
    await second.ready;
    const result = await stack.client.workflow.getHandle<typeof prospectExport>(prospectExportWorkflowId(connectionId)).result();
    expect(result.exported).toBe(20);
    // Some prospect was looked up again by the new worker: its first attempt died with the old one.
    expect(stack.fake.requests.filter((r) => r.method === 'GET' && r.path === '/opportunities' && r.query.includes('crash')).length).toBeGreaterThan(20);
    for (const p of prospects) {
      expect(oppsWithEmail(p.email)).toHaveLength(1);
      expect(leadWritesFor(p.email)).toHaveLength(1);
    }
    expect(second.output()).not.toContain(prospects[0].email);
  } finally {
    stack.fake.clearFaults();
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
  }
}, 150_000);
