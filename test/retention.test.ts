import { randomBytes } from 'node:crypto';
import { insertOrganisation, listAudit } from '../src/db/accounts';
import { findOrgConnection } from '../src/db/console-connections';
import { attachReportPdfSetting } from '../src/db/report-pdfs';
import { listProspects } from '../src/db/prospects';
import { ensureRetentionSchedule, retentionScheduleId } from '../src/retention-schedule';
import type { retentionSweep } from '../workflows/retention';
import { consoleUser, textOf, type ConsoleUser } from './helpers/console';
import { checkAwaitingHire, refereesOf, until } from './helpers/journey';
import { openPortalRequest } from './helpers/portal';
import { candidateEmail, startStack, type Stack } from './helpers/stack';

/**
 * Retention on real parts: checks run through the portal, their conclusion moved into the past in
 * Postgres (the one thing a test cannot wait for), then the worker's Temporal Schedule triggered.
 * What a person would check afterwards: the report, the console, and what Postgres still holds.
 */
let stack: Stack;
let admin: ConsoleUser;
beforeAll(async () => {
  stack = await startStack();
  admin = await consoleUser(stack, 'admin');
});
afterAll(async () => {
  await stack.client.schedule.getHandle(retentionScheduleId(stack.config.TEMPORAL_TASK_QUEUE)).delete().catch(() => undefined);
  await stack.close();
});

const DAY_MS = 86_400_000;
const reportPage = async (requestId: string) => (await fetch(`${stack.apiUrl}/reports/${stack.links.sign('report', requestId, DAY_MS)}`)).text();
const checkPage = (opportunityId: string) => `/console/checks/${stack.connectionId}/${opportunityId}`;
const scheduleOptions = () => ({ taskQueue: stack.config.TEMPORAL_TASK_QUEUE, intervalSeconds: 86_400 });

/** A check run to its report, then concluded `daysAgo` days ago (the run itself is stopped: its hire wait is not the point). */
async function checkConcluded(opportunityId: string, daysAgo: number, opts: { optIn?: boolean } = {}) {
  stack.seedCandidate(opportunityId);
  const { handle, requestId } = await checkAwaitingHire(stack, opportunityId, opts);
  await handle.terminate('test: concluded long ago');
  await stack.db.query(`update reference_requests set concluded_at = now() - make_interval(days => $2) where id = $1`, [requestId, daysAgo]);
  await stack.db.query(`update checks set finished_at = now() - make_interval(days => $2), outcome = 'hired' where request_id = $1`, [requestId, daysAgo]);
  return requestId;
}

/** Triggers the worker's schedule, as its daily tick would, and waits for that sweep's result. */
async function sweepBySchedule() {
  const schedule = stack.client.schedule.getHandle(retentionScheduleId(stack.config.TEMPORAL_TASK_QUEUE));
  const before = (await schedule.describe()).info.recentActions.length;
  await schedule.trigger();
  const action = await until('the scheduled sweep to start', async () => (await schedule.describe()).info.recentActions[before]);
  return stack.client.workflow.getHandle<typeof retentionSweep>(action.action.workflow.workflowId).result();
}

/** Everything Postgres keeps about a request's referees and candidate, as text. */
async function storedAbout(requestId: string): Promise<string> {
  const rows = await stack.db.query<{ t: string }>(
    `select row_to_json(r)::text as t from reference_requests r where id = $1
     union all select row_to_json(f)::text from referees f where request_id = $1
     union all select row_to_json(k)::text from checks k where request_id = $1`,
    [requestId],
  );
  return rows.map((r) => r.t).join('\n');
}

test('when a check concluded longer ago than its connection\'s retention, then the scheduled sweep deletes its personal data, its report says so, and a newer check and an opted-in prospect are kept', async () => {
  expect(await ensureRetentionSchedule(stack.client, scheduleOptions())).toBe('created');
  // A second worker (or a restart) finds the schedule there.
  expect(await ensureRetentionSchedule(stack.client, scheduleOptions())).toBe('unchanged');

  const old = await checkConcluded('opp-retention-old', 200, { optIn: true });
  const recent = await checkConcluded('opp-retention-recent', 10);
  const [prospect, other] = refereesOf('opp-retention-old');
  expect(await storedAbout(old)).toContain(other.email);

  const result = await sweepBySchedule();
  expect(result.requests).toBeGreaterThanOrEqual(1);

  const report = textOf(await reportPage(old));
  expect(report).toMatch(/This report's personal data was deleted on \d{1,2} \w+ \d{4} under the connection's 180-day retention/);
  expect(report).toContain('Reference check complete: 2 of 2 references');
  for (const gone of ['Ada Lovelace', 'Charles Babbage', 'Mary Somerville', 'Generous with her time', 'Brilliant', 'Analytical Engines']) expect(report).not.toContain(gone);
  expect(report).not.toMatch(/Answers|Timeline/);

  const stored = await storedAbout(old);
  for (const gone of [other.email, candidateEmail('opp-retention-old'), 'grace@acme.test', 'Grace Hopper', 'Ada Lovelace', 'Mary Somerville', '203.0.113.', '198.51.100.10', 'RefereeBrowser', 'CandidatePhone', 'Generous']) {
    expect(stored).not.toContain(gone);
  }
  // The referee who asked to hear about jobs is still a prospect, with the address to reach them.
  const prospects = await listProspects(stack.db, stack.organisationId);
  expect(prospects.find((p) => p.email === prospect.email)).toMatchObject({ name: prospect.name });
  const prospectsPage = textOf((await admin.get('/console/prospects')).html);
  expect(prospectsPage).toContain(prospect.email);
  expect(prospectsPage).toContain('(data deleted)');

  const checkText = textOf((await admin.get(checkPage('opp-retention-old'))).html);
  expect(checkText).toMatch(/This check's personal data was deleted on .* under the connection's 180-day retention/);
  expect(checkText).not.toContain('Ada Lovelace');
  expect(checkText).toContain('answered'); // statuses stay, so the page still tells what happened

  // The check within retention is untouched.
  const kept = textOf(await reportPage(recent));
  expect(kept).toContain('Ada Lovelace');
  expect(kept).toContain('Generous with her time');
  expect(kept).not.toContain('personal data was deleted');
  expect(await storedAbout(recent)).toContain(refereesOf('opp-retention-recent')[1].email);
});

test('when two sweeps run at once, then an expired request is purged by exactly one of them', async () => {
  const { request } = await openPortalRequest(stack, { running: false });
  await stack.db.query(`update reference_requests set status = 'expired', concluded_at = now() - interval '400 days' where id = $1`, [request.id]);
  const start = (n: number) => stack.client.workflow.execute<typeof retentionSweep>('retentionSweep', {
    taskQueue: stack.config.TEMPORAL_TASK_QUEUE, workflowId: `retention-test-${request.id}-${n}`, args: [{ batchSize: 1 }],
  });
  const [a, b] = await Promise.all([start(1), start(2)]);
  expect(a.requests + b.requests).toBe(1);
  expect(await storedAbout(request.id)).not.toContain('ada@candidate.test');
  expect(textOf(await reportPage(request.id))).toContain('deleted on');
});

test('when the worker starts with another sweep interval, then the existing schedule takes it', async () => {
  await ensureRetentionSchedule(stack.client, scheduleOptions());
  expect(await ensureRetentionSchedule(stack.client, { ...scheduleOptions(), intervalSeconds: 3_600 })).toBe('updated');
  const described = await stack.client.schedule.getHandle(retentionScheduleId(stack.config.TEMPORAL_TASK_QUEUE)).describe();
  expect(described.spec.intervals).toEqual([expect.objectContaining({ every: 3_600_000 })]);
});

test('when an admin sets a retention outside 30 to 1825 days, then the page says why beside the field and keeps the setting; a valid one is saved', async () => {
  const page = `/console/connections/${stack.connectionId}`;
  await admin.get(page);
  for (const days of ['7', '2000', 'soon', '90.5']) {
    const refused = await admin.post(`${page}/retention`, { days });
    expect(refused.status).toBe(422);
    expect(refused.html).toMatch(/<p class="error" id="f-days-error">[^<]+<\/p>\s*<input id="f-days"/);
    expect(refused.html).toContain(`value="${days}"`);
  }
  expect((await findOrgConnection(stack.db, stack.organisationId, stack.connectionId))?.retentionDays).toBe(180);

  const saved = await admin.post(`${page}/retention`, { days: '365' });
  expect(saved.status).toBe(303);
  expect((await findOrgConnection(stack.db, stack.organisationId, stack.connectionId))?.retentionDays).toBe(365);
  expect((await admin.get(page)).html).toMatch(/<input id="f-days" name="days" type="number" value="365"/);
  expect((await listAudit(stack.db, stack.organisationId, { target: stack.connectionId })).map((e) => e.action)).toContain('connection.retention');
});

test('when the sweep runs, then webhook deliveries past their retention, replay tokens past the triggeredAt window, old sign-in failures and Lever-write records past the connection\'s retention are deleted; recent ones and unfinished claims are kept', async () => {
  const old = `now() - interval '400 days'`;
  const insertDelivery = (age: string, opportunityId: string) => stack.db.query(
    `insert into webhook_deliveries (connection_id, event, opportunity_id, outcome, http_status, received_at) values ($1, 'candidateStageChange', $2, 'started', 202, ${age})`,
    [stack.connectionId, opportunityId],
  );
  // The console shows each webhook's newest delivery: the sweep keeps one per webhook, so two old ones lose the older.
  await insertDelivery(`${old} - interval '1 day'`, 'opp-old-1');
  await insertDelivery(old, 'opp-old-2');
  await insertDelivery('now()', 'opp-new');
  await stack.db.query(
    `insert into webhook_delivery_tokens (connection_id, token_sha256, body_sha256, triggered_at) values ($1, '\\x01', '\\x01', ${old}), ($1, '\\x02', '\\x02', now())`,
    [stack.connectionId],
  );
  await stack.db.query(`insert into login_failures (email_key, ip, at) values ('old@example.test', '192.0.2.1', ${old}), ('new@example.test', '192.0.2.2', now())`);
  // The connection keeps data 180 days (the default): a write done 400 days ago is forgotten; one done
  // yesterday, and a claim 400 days old never marked written (a late retry must still look in Lever), stay.
  await stack.db.query(
    `insert into lever_writes (connection_id, write_key, opportunity_id, claimed_at, written_at) values
       ($1, 'sweep-written-old', 'opp-w', ${old}, ${old}), ($1, 'sweep-written-new', 'opp-w', now() - interval '1 day', now() - interval '1 day'),
       ($1, 'sweep-unfinished-old', 'opp-w', ${old}, null)`,
    [stack.connectionId],
  );

  await ensureRetentionSchedule(stack.client, scheduleOptions());
  const totals = await sweepBySchedule();

  expect(totals.deliveries).toBeGreaterThanOrEqual(1);
  expect(totals.webhookTokens).toBeGreaterThanOrEqual(1);
  expect(totals.loginFailures).toBeGreaterThanOrEqual(1);
  expect(totals.leverWrites).toBeGreaterThanOrEqual(1);
  const kept = async (sql: string, params: unknown[] = []) => (await stack.db.query<{ k: string }>(sql, params)).map((r) => r.k).sort();
  expect(await kept(`select opportunity_id as k from webhook_deliveries where opportunity_id like 'opp-old-%' or opportunity_id = 'opp-new'`)).toEqual(['opp-new']);
  expect(await kept(`select encode(token_sha256, 'hex') as k from webhook_delivery_tokens where connection_id = $1 and length(token_sha256) = 1`, [stack.connectionId])).toEqual(['02']);
  expect(await kept(`select email_key as k from login_failures where email_key like '%@example.test'`)).toEqual(['new@example.test']);
  expect(await kept(`select write_key as k from lever_writes where connection_id = $1 and write_key like 'sweep-%'`, [stack.connectionId])).toEqual(['sweep-unfinished-old', 'sweep-written-new']);
});

test("when an admin of another organisation posts this connection's retention or PDF setting, then nothing changes", async () => {
  const otherOrg = `org_${randomBytes(6).toString('hex')}`;
  await insertOrganisation(stack.db, { id: otherOrg, name: 'Other Co' });
  const outsider = await consoleUser(stack, 'admin', otherOrg);
  const before = (await findOrgConnection(stack.db, stack.organisationId, stack.connectionId))?.retentionDays;
  const pdfBefore = await attachReportPdfSetting(stack.db, stack.connectionId);
  const page = `/console/connections/${stack.connectionId}`;
  await outsider.get('/console/connections'); // a form token of their own, as from any console page

  expect((await outsider.post(`${page}/retention`, { days: before === 45 ? '46' : '45' })).status).toBe(404);
  expect((await outsider.post(`${page}/report-pdf`, pdfBefore ? {} : { attach: 'on' })).status).toBe(404);

  expect((await findOrgConnection(stack.db, stack.organisationId, stack.connectionId))?.retentionDays).toBe(before);
  expect(await attachReportPdfSetting(stack.db, stack.connectionId)).toBe(pdfBefore);
});
