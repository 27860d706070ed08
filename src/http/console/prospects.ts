import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { audit } from '../../db/accounts';
import { openOrgApiKey } from '../../db/console-connections';
import { findConnection } from '../../db/connections';
import {
  DEFAULT_PROSPECT_TAG, countUnexported, exportProgress, listProspectSettings, listProspects, updateProspectSettings, type ProspectSettings,
} from '../../db/prospects';
import { consoleLeverClient, explain } from '../../console/lever-account';
import { prospectExportWorkflowId } from '../../../workflows/prospects';
import type { AppDeps } from '../app';
import { decodeCursor, encodeCursor, fieldErrors, formStrings, text } from './forms';
import { consoleMessage, page, redirectWith, route, signedIn } from './render';

const PAGE_SIZE = 25;

const Settings = z.object({
  auto: z.literal('on').optional(),
  performAs: text(200),
  tag: text(100).transform((t) => t || DEFAULT_PROSPECT_TAG),
}).superRefine((f, ctx) => {
  if (f.auto && !f.performAs) ctx.addIssue({ code: 'custom', path: ['performAs'], message: 'Choose the Lever user new prospects are created as.' });
});

type LeverUserOption = { id: string; name: string };

/**
 * Prospects (Crosschq's two sliders): referees who asked to hear about jobs, for recruiters and
 * admins of the organisation. Per connection, admins set whether new prospects go to Lever by
 * themselves, as which Lever user (from Lever's live list) and with which tag, and may send all of
 * them at once; the export's progress is read from Postgres.
 */
export function prospectsRoutes(router: Router, deps: AppDeps) {
  const limits = { leverRequestsPerSecond: deps.config.LEVER_REQUESTS_PER_SECOND, leverBurst: deps.config.LEVER_BURST, leverSlotHorizonMs: deps.config.LEVER_SLOT_HORIZON_MS };
  const temporalLink = (workflowId: string) => `${deps.config.TEMPORAL_UI_URL.replace(/\/$/, '')}/namespaces/${encodeURIComponent(deps.config.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`;

  /** The account's active Lever users, for the "act as" dropdown: never typed by hand. */
  async function leverUsers(organisationId: string, connectionId: string): Promise<{ users: LeverUserOption[]; problem?: string }> {
    const connection = await findConnection(deps.db, deps.box, connectionId);
    const apiKey = await openOrgApiKey(deps.db, deps.box, organisationId, connectionId);
    if (!connection || !apiKey) return { users: [], problem: 'This connection has no API key.' };
    try {
      const users = await consoleLeverClient(deps.db, deps.box, limits, { leverBaseUrl: connection.leverBaseUrl, apiKey }).listUsers();
      return { users: users.filter((u) => !(u as { deactivatedAt?: unknown }).deactivatedAt).map((u) => ({ id: u.id, name: u.name || u.email || u.id })) };
    } catch (err) {
      return { users: [], problem: explain(err, 'Users (read)') };
    }
  }

  async function show(req: Request, res: Response, form: { connectionId?: string; values?: Record<string, string>; errors?: Record<string, string>; status?: number } = {}) {
    const me = signedIn(res);
    const after = decodeCursor(typeof req.query.after === 'string' ? req.query.after : undefined);
    const rows = await listProspects(deps.db, me.organisationId, { after, limit: PAGE_SIZE + 1 });
    const shown = rows.slice(0, PAGE_SIZE);
    const settings = await listProspectSettings(deps.db, me.organisationId);
    const progress = await exportProgress(deps.db, settings.map((s) => s.connectionId));
    const connections = [];
    for (const s of settings) {
      const lever = await leverUsers(me.organisationId, s.connectionId);
      const running = await deps.checks.prospectExportRunning(s.connectionId).catch(() => undefined);
      const run = progress.find((p) => p.connectionId === s.connectionId);
      connections.push({
        ...s, users: lever.users, usersProblem: lever.problem, performAsName: lever.users.find((u) => u.id === s.performAs)?.name,
        unexported: await countUnexported(deps.db, s.connectionId), run, running,
        temporalUrl: temporalLink(prospectExportWorkflowId(s.connectionId)),
        values: form.connectionId === s.connectionId ? form.values : undefined, errors: form.connectionId === s.connectionId ? form.errors ?? {} : {},
      });
    }
    page(res, 'prospects', {
      title: 'Prospects', section: 'prospects', isAdmin: me.role === 'admin', connections,
      prospects: shown.map((p) => ({ ...p, checkPath: `/console/checks/${p.connectionId}/${encodeURIComponent(p.opportunityId)}` })),
      nextUrl: rows.length > PAGE_SIZE ? `/console/prospects?after=${encodeCursor(shown[shown.length - 1].answeredAt, shown[shown.length - 1].refereeId)}` : null,
      firstUrl: after ? '/console/prospects' : null,
    }, form.status ?? 200);
  }

  router.get('/console/prospects', route((req, res) => show(req, res)));

  /** The organisation's connection named in the URL, for an admin; else a page saying why not. */
  async function adminConnection(req: Request, res: Response): Promise<ProspectSettings | undefined> {
    const me = signedIn(res);
    if (me.role !== 'admin') {
      consoleMessage(res, 403, 'Admins only', 'Prospect settings and exports are managed by your organisation\'s admins. Nothing was changed.', { back: '/console/prospects' });
      return undefined;
    }
    const found = (await listProspectSettings(deps.db, me.organisationId)).find((s) => s.connectionId === String(req.params.connectionId));
    if (!found) consoleMessage(res, 404, 'Not found', 'There is no such connection in your organisation.', { back: '/console/prospects' });
    return found;
  }

  router.post('/console/prospects/:connectionId/settings', route(async (req, res) => {
    const c = await adminConnection(req, res);
    if (!c) return;
    const me = signedIn(res);
    const values = formStrings(req.body, ['auto', 'performAs', 'tag'], 200);
    const again = (errors: Record<string, string>, status = 422) => show(req, res, { connectionId: c.connectionId, values, errors, status });
    const form = Settings.safeParse(req.body ?? {});
    if (!form.success) return again(fieldErrors(form.error));
    if (form.data.performAs) {
      const lever = await leverUsers(me.organisationId, c.connectionId);
      if (lever.problem) return again({ performAs: lever.problem }, 503);
      if (!lever.users.some((u) => u.id === form.data.performAs)) return again({ performAs: 'Lever has no such active user (any more). Choose one from the list.' });
    }
    const next = { autoExport: Boolean(form.data.auto), performAs: form.data.performAs || null, tag: form.data.tag };
    await updateProspectSettings(deps.db, me.organisationId, c.connectionId, next);
    await audit(deps.db, { organisationId: me.organisationId, accountId: me.id, action: 'prospects.settings', target: c.connectionId, detail: next });
    redirectWith(req, res, '/console/prospects', next.autoExport ? `Saved: new prospects of "${c.connectionName}" go to Lever by themselves.` : `Saved: prospects of "${c.connectionName}" go to Lever only when you export them.`);
  }));

  router.get('/console/prospects/:connectionId/export', route(async (req, res) => {
    const c = await adminConnection(req, res);
    if (!c) return;
    if (!c.performAs) return consoleMessage(res, 409, 'Choose a Lever user first', 'Lever creates candidates only on behalf of one of its users: choose one in the connection\'s prospect settings.', { back: '/console/prospects' });
    const lever = await leverUsers(signedIn(res).organisationId, c.connectionId);
    page(res, 'prospect-export', {
      title: 'Export prospects', section: 'prospects', connection: c, unexported: await countUnexported(deps.db, c.connectionId),
      performAsName: lever.users.find((u) => u.id === c.performAs)?.name ?? c.performAs,
    });
  }));

  router.post('/console/prospects/:connectionId/export', route(async (req, res) => {
    const c = await adminConnection(req, res);
    if (!c) return;
    const me = signedIn(res);
    if (!c.performAs) return consoleMessage(res, 409, 'Choose a Lever user first', 'Nothing was exported.', { back: '/console/prospects' });
    const { outcome, workflowId } = await deps.checks.startProspectExport({ connectionId: c.connectionId, performAs: c.performAs, tag: c.tag, startedBy: `console:${me.id}` });
    await audit(deps.db, { organisationId: me.organisationId, accountId: me.id, action: 'prospects.export', target: workflowId, detail: { outcome } });
    redirectWith(req, res, '/console/prospects', outcome === 'started'
      ? `Export started for "${c.connectionName}": each prospect not yet in Lever is sent once. Progress shows below.`
      : `An export for "${c.connectionName}" is already running. Nothing new was started.`);
  }));
}

