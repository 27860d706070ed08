import { randomBytes } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { audit } from '../../db/accounts';
import { countChecksEnded } from '../../db/check-list';
import { WEBHOOK_EVENTS, type WebhookEvent } from '../../db/connections';
import {
  deleteOrgConnection, findOrgConnection, insertOrgConnection, listOrgConnections, openOrgApiKey, setEnabled, setTriggerStage,
  setWebhookTokens, updateHireSettings, updateLeverAccount, updateRetention, webhookStatuses, type ConnectionSummary,
} from '../../db/console-connections';
import { attachReportPdfSetting, setAttachReportPdf } from '../../db/report-pdfs';
import { MAX_RETENTION_DAYS, MIN_RETENTION_DAYS } from '../../db/retention';
import { LEVER_HOSTS, webhookUrl } from '../../connections/create';
import { confidentialFix } from '../../console/checks';
import { checkLeverKey, consoleLeverClient, explain } from '../../console/lever-account';
import { seedDefaultTemplate } from '../../templates/seed';
import type { AppDeps } from '../app';
import { fieldErrors, formStrings, text } from './forms';
import { consoleMessage, page, redirectWith, route, signedIn } from './render';
import { leverBaseUrlProblem } from '../../lever/base-url';

const DAY = 86_400;

/** The webhooks in the order of Lever's setup steps, with what each one does for refcheck. */
export const WEBHOOK_STEPS: { event: WebhookEvent; label: string; why: string }[] = [
  { event: 'candidateStageChange', label: 'Candidate Stage Change', why: 'starts a reference check when a candidate enters the trigger stage' },
  { event: 'candidateHired', label: 'Candidate Hired', why: 'settles the hire question at once, without asking the owner' },
  { event: 'candidateArchiveChange', label: 'Candidate Archive State Change', why: 'stops a check when the candidate is archived' },
  { event: 'candidateDeleted', label: 'Candidate Deleted', why: 'deletes what refcheck keeps about a candidate Lever deleted' },
];

const environment = z.enum(['production', 'sandbox', 'url'], { message: 'Choose where the Lever account lives.' });
const LeverAccount = z.object({
  name: text(200).pipe(z.string().min(1, 'Name the connection (e.g. your company).')),
  environment,
  url: text(500),
  apiKey: text(500),
  confidential: z.literal('on').optional(),
}).superRefine((f, ctx) => {
  const problem = f.environment === 'url' ? leverBaseUrlProblem(f.url) : undefined;
  if (problem) ctx.addIssue({ code: 'custom', path: ['url'], message: problem });
});
const Stage = z.object({ stage: text(200).pipe(z.string().min(1, 'Choose the stage.')) });
const Hire = z.object({
  delayDays: z.coerce.number({ message: 'A number of days.' }).min(0.0001, 'More than 0 days.').max(365, 'At most 365 days.'),
  ownerDays: z.coerce.number({ message: 'A number of days.' }).min(0.0001, 'More than 0 days.').max(365, 'At most 365 days.'),
  archive: z.literal('on').optional(),
});
const Retention = z.object({
  days: z.coerce.number({ message: 'A number of days.' }).int('A whole number of days.')
    .min(MIN_RETENTION_DAYS, `At least ${MIN_RETENTION_DAYS} days: the hiring team needs the report for a while after the check.`)
    .max(MAX_RETENTION_DAYS, `At most ${MAX_RETENTION_DAYS} days (5 years).`),
});
const Tokens = z.object({
  mode: z.enum(['each', 'one']).default('each'),
  all: text(200),
  ...Object.fromEntries(WEBHOOK_EVENTS.map((e) => [e, text(200)])),
}).superRefine((f, ctx) => {
  const given = f.mode === 'one' ? [['all', f.all]] : WEBHOOK_EVENTS.map((e) => [e, (f as Record<string, string>)[e]]);
  for (const [key, value] of given) if (value && value.length < 8) ctx.addIssue({ code: 'custom', path: [key], message: 'Paste the whole token Lever shows (it is much longer).' });
  if (f.mode === 'one' && !f.all) ctx.addIssue({ code: 'custom', path: ['all'], message: 'Paste the token.' });
});

/**
 * Connections (admins only): Crosschq's connector page, done better. Create one with a live key
 * check; then pick the trigger stage from Lever's stages, copy each webhook URL into Lever beside
 * its signing token, see each webhook's last delivery and whether Lever's verify reached it;
 * rotate the key or a token (the URLs stay), disable, change the hire settings, delete.
 */
export function connectionsRoutes(router: Router, deps: AppDeps) {
  const limits = { leverRequestsPerSecond: deps.config.LEVER_REQUESTS_PER_SECOND, leverBurst: deps.config.LEVER_BURST, leverSlotHorizonMs: deps.config.LEVER_SLOT_HORIZON_MS };
  const client = (leverBaseUrl: string, apiKey: string) => consoleLeverClient(deps.db, deps.box, limits, { leverBaseUrl, apiKey });
  const baseUrlOf = (f: { environment: string; url: string }) => (f.environment === 'url' ? f.url.replace(/\/$/, '') : LEVER_HOSTS[f.environment as 'production' | 'sandbox']);

  router.get('/console/connections', route(async (_req, res) => {
    const me = signedIn(res);
    page(res, 'connections', { title: 'Connections', section: 'connections', connections: await listOrgConnections(deps.db, me.organisationId), environmentOf });
  }));

  router.get('/console/connections/new', (_req, res) => {
    page(res, 'connection-new', { title: 'Connect Lever', section: 'connections', values: { environment: 'production' }, errors: {}, problems: [] });
  });

  router.post('/console/connections', route(async (req, res) => {
    const me = signedIn(res);
    const values = formStrings(req.body, ['name', 'environment', 'url', 'confidential']);
    const again = (errors: Record<string, string>, problems: string[] = [], status = 422) =>
      page(res, 'connection-new', { title: 'Connect Lever', section: 'connections', values, errors, problems }, status);
    const form = LeverAccount.safeParse(req.body);
    if (!form.success) return again(fieldErrors(form.error));
    if (!form.data.apiKey) return again({ apiKey: 'Paste the API key you made in Lever.' });
    const leverBaseUrl = baseUrlOf(form.data);
    const check = await checkLeverKey(client(leverBaseUrl, form.data.apiKey));
    if (!check.ok) return again({ apiKey: check.problem }, [], 422);
    const id = `c_${randomBytes(8).toString('hex')}`;
    await insertOrgConnection(deps.db, deps.box, { id, organisationId: me.organisationId, name: form.data.name, leverBaseUrl, apiKey: form.data.apiKey, confidentialAccess: Boolean(form.data.confidential) });
    await seedDefaultTemplate(deps.db, id);
    await audit(deps.db, { organisationId: me.organisationId, accountId: me.id, action: 'connection.created', target: id });
    const warn = check.missing.length ? ` The key works but lacks: ${check.missing.join(', ')}. Add them in Lever, then save the key again.` : '';
    redirectWith(req, res, `/console/connections/${id}`, `Lever accepted the key.${warn} Next: choose the trigger stage.`);
  }));

  /** The connection page; `form` carries a failed section's values and errors back into it. */
  async function show(req: Request, res: Response, connection: ConnectionSummary, form: { section?: string; values?: Record<string, unknown>; errors?: Record<string, string>; status?: number } = {}) {
    const me = signedIn(res);
    const apiKey = await openOrgApiKey(deps.db, deps.box, me.organisationId, connection.id);
    let stages: { id: string; text: string }[] = [];
    let stagesProblem: string | undefined;
    try {
      stages = apiKey ? await client(connection.leverBaseUrl, apiKey).listStages() : [];
    } catch (err) {
      stagesProblem = explain(err, 'Stages (read)');
    }
    const statuses = await webhookStatuses(deps.db, connection.id);
    // Checks Lever refused as confidential, while the box says the key has no such access: the fix is a new key.
    const confidentialRefusals = connection.confidentialAccess ? 0 : await countChecksEnded(deps.db, connection.id, 'confidential-no-access');
    page(res, 'connection', {
      title: connection.name, section: 'connections', connection, environment: environmentOf(connection.leverBaseUrl),
      stages, stagesProblem, confidentialRefusals,
      confidentialFix: confidentialFix(false, 'restart those checks'),
      // Whether the worker can render it: the api and worker run one image with one environment (docker-compose.yml).
      reportPdf: { on: await attachReportPdfSetting(deps.db, connection.id), chromium: Boolean(deps.config.CHROMIUM_PATH) },
      webhooks: WEBHOOK_STEPS.map((s) => ({ ...s, url: webhookUrl(deps.config.PUBLIC_URL, connection.id, s.event), tokenSet: connection.tokensSet.includes(s.event), status: statuses.find((x) => x.event === s.event) })),
      formSection: form.section, values: form.values ?? {}, errors: form.errors ?? {}, problems: [],
    }, form.status ?? 200);
  }

  /** The organisation's connection named in the URL, or a 404 page (another organisation's id is simply unknown). */
  async function load(req: Request, res: Response): Promise<ConnectionSummary | undefined> {
    const found = await findOrgConnection(deps.db, signedIn(res).organisationId, String(req.params.id));
    if (!found) consoleMessage(res, 404, 'Not found', 'There is no such connection in your organisation.', { back: '/console/connections' });
    return found;
  }

  const done = async (req: Request, res: Response, action: string, flash: string, detail?: object) => {
    const me = signedIn(res);
    await audit(deps.db, { organisationId: me.organisationId, accountId: me.id, action, target: String(req.params.id), detail });
    redirectWith(req, res, `/console/connections/${req.params.id}`, flash);
  };

  router.get('/console/connections/:id', route(async (req, res) => {
    const c = await load(req, res);
    if (c) await show(req, res, c);
  }));

  router.post('/console/connections/:id/lever', route(async (req, res) => {
    const c = await load(req, res);
    if (!c) return;
    const me = signedIn(res);
    const values = formStrings(req.body, ['name', 'environment', 'url', 'confidential']);
    const form = LeverAccount.safeParse(req.body);
    if (!form.success) return show(req, res, c, { section: 'lever', values, errors: fieldErrors(form.error), status: 422 });
    const leverBaseUrl = baseUrlOf(form.data);
    const apiKey = form.data.apiKey || (await openOrgApiKey(deps.db, deps.box, me.organisationId, c.id))!;
    const check = await checkLeverKey(client(leverBaseUrl, apiKey));
    if (!check.ok) return show(req, res, c, { section: 'lever', values, errors: { apiKey: check.problem }, status: 422 });
    await updateLeverAccount(deps.db, deps.box, me.organisationId, c.id, { name: form.data.name, leverBaseUrl, confidentialAccess: Boolean(form.data.confidential), apiKey: form.data.apiKey || undefined });
    const warn = check.missing.length ? ` The key lacks: ${check.missing.join(', ')}.` : '';
    await done(req, res, form.data.apiKey ? 'connection.key-rotated' : 'connection.updated', `Saved; Lever accepted the key.${warn}`);
  }));

  router.post('/console/connections/:id/stage', route(async (req, res) => {
    const c = await load(req, res);
    if (!c) return;
    const me = signedIn(res);
    const form = Stage.safeParse(req.body);
    if (!form.success) return show(req, res, c, { section: 'stage', errors: fieldErrors(form.error), status: 422 });
    // Only a stage Lever has: the id is never typed by hand.
    let stages;
    try {
      stages = await client(c.leverBaseUrl, (await openOrgApiKey(deps.db, deps.box, me.organisationId, c.id))!).listStages();
    } catch (err) {
      return show(req, res, c, { section: 'stage', errors: { stage: explain(err, 'Stages (read)') }, status: 503 });
    }
    const stage = stages.find((s) => s.id === form.data.stage);
    if (!stage) return show(req, res, c, { section: 'stage', errors: { stage: 'Lever has no such stage (any more). Choose one from the list.' }, status: 422 });
    await setTriggerStage(deps.db, me.organisationId, c.id, stage.id);
    await done(req, res, 'connection.trigger-stage', `Candidates moved to "${stage.text}" will get a reference check.`, { stageId: stage.id });
  }));

  router.post('/console/connections/:id/webhooks', route(async (req, res) => {
    const c = await load(req, res);
    if (!c) return;
    const form = Tokens.safeParse(req.body);
    if (!form.success) return show(req, res, c, { section: 'webhooks', values: { mode: req.body?.mode }, errors: fieldErrors(form.error), status: 422 });
    const f = form.data as Record<string, string>;
    const tokens = Object.fromEntries(WEBHOOK_EVENTS.map((e) => [e, form.data.mode === 'one' ? form.data.all : f[e]]).filter(([, t]) => t)) as Partial<Record<WebhookEvent, string>>;
    if (Object.keys(tokens).length === 0) return show(req, res, c, { section: 'webhooks', errors: { _form: 'Paste at least one signing token.' }, status: 422 });
    await setWebhookTokens(deps.db, deps.box, signedIn(res).organisationId, c.id, tokens);
    await done(req, res, 'connection.tokens-set', `Signing token saved for ${Object.keys(tokens).length} webhook(s). The URLs are unchanged.`, { events: Object.keys(tokens) });
  }));

  router.post('/console/connections/:id/hire', route(async (req, res) => {
    const c = await load(req, res);
    if (!c) return;
    const form = Hire.safeParse(req.body);
    if (!form.success) return show(req, res, c, { section: 'hire', values: formStrings(req.body, ['delayDays', 'ownerDays', 'archive']), errors: fieldErrors(form.error), status: 422 });
    await updateHireSettings(deps.db, signedIn(res).organisationId, c.id, {
      hireConfirmationDelaySeconds: Math.round(form.data.delayDays * DAY), ownerAnswerTimeoutSeconds: Math.round(form.data.ownerDays * DAY),
      hireSync: form.data.archive ? 'archive-as-hired' : 'note-and-tag',
    });
    await done(req, res, 'connection.hire-settings', 'Hire settings saved. They apply to checks that start from now on.');
  }));

  router.post('/console/connections/:id/report-pdf', route(async (req, res) => {
    const c = await load(req, res);
    if (!c) return;
    const attach = req.body?.attach === 'on';
    await setAttachReportPdf(deps.db, signedIn(res).organisationId, c.id, attach);
    const noChromium = attach && !deps.config.CHROMIUM_PATH ? ' Chromium is not installed on the worker, though: checks will skip the PDF until it is.' : '';
    await done(req, res, 'connection.report-pdf', attach
      ? `Reports will be attached to candidates in Lever as PDFs, from the next report on (running checks included).${noChromium}`
      : 'Reports will no longer be attached to candidates in Lever as PDFs.', { attach });
  }));

  router.post('/console/connections/:id/retention', route(async (req, res) => {
    const c = await load(req, res);
    if (!c) return;
    const form = Retention.safeParse(req.body);
    if (!form.success) return show(req, res, c, { section: 'retention', values: formStrings(req.body, ['days']), errors: fieldErrors(form.error), status: 422 });
    await updateRetention(deps.db, signedIn(res).organisationId, c.id, form.data.days);
    await done(req, res, 'connection.retention', `Personal data of checks concluded more than ${form.data.days} days ago is deleted at the next sweep (checks already concluded included).`, { days: form.data.days });
  }));

  router.post('/console/connections/:id/enabled', route(async (req, res) => {
    const c = await load(req, res);
    if (!c) return;
    const enabled = req.body?.enabled === 'on';
    await setEnabled(deps.db, signedIn(res).organisationId, c.id, enabled);
    await done(req, res, enabled ? 'connection.enabled' : 'connection.disabled',
      enabled ? 'Enabled: stage changes start reference checks again.' : 'Disabled: Lever\'s webhooks are acknowledged and logged, and start nothing. Running checks carry on.');
  }));

  router.get('/console/connections/:id/delete', route(async (req, res) => {
    const c = await load(req, res);
    if (c) page(res, 'connection-delete', { title: `Delete ${c.name}`, section: 'connections', connection: c });
  }));

  router.post('/console/connections/:id/delete', route(async (req, res) => {
    const c = await load(req, res);
    if (!c) return;
    const me = signedIn(res);
    if (req.body?.confirm !== c.name) return page(res, 'connection-delete', { title: `Delete ${c.name}`, section: 'connections', connection: c, error: 'Type the connection\'s name exactly to confirm.' }, 422);
    const result = await deleteOrgConnection(deps.db, me.organisationId, c.id);
    if (result === 'checks-running') return page(res, 'connection-delete', { title: `Delete ${c.name}`, section: 'connections', connection: c, error: 'Checks are still running on this connection. Cancel them on the checks page first (each gets a note in Lever), then delete.' }, 409);
    await audit(deps.db, { organisationId: me.organisationId, accountId: me.id, action: 'connection.deleted', target: c.id });
    redirectWith(req, res, '/console/connections', `Deleted "${c.name}". Remove its webhooks in Lever too.`);
  }));
}

export function environmentOf(url: string): 'production' | 'sandbox' | 'url' {
  return url === LEVER_HOSTS.production ? 'production' : url === LEVER_HOSTS.sandbox ? 'sandbox' : 'url';
}
