import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { audit, listAudit } from '../../db/accounts';
import { CHECK_STATUSES, findCheck, listCheckJobs, listChecks, type CheckRow, type CheckStatus } from '../../db/check-list';
import { findWebhookTarget } from '../../db/connections';
import { revokeLinks } from '../../db/link-revocations';
import { findOrgConnection, listOrgConnections, openOrgApiKey } from '../../db/console-connections';
import { listReferees, listRefereesOf } from '../../db/referees';
import { findReportPdf } from '../../db/report-pdfs';
import { findPurge } from '../../db/retention';
import { listTexts } from '../../db/sent-texts';
import { integrityFlags } from '../../reports/integrity';
import { referenceCheckWorkflowId } from '../../../workflows/definitions';
import type { AppDeps } from '../app';
import { CONFIDENTIAL_REFUSED, confidentialFix, describeStep, opportunityIdFrom } from '../../console/checks';
import { consoleLeverClient } from '../../console/lever-account';
import { opportunityRefusedAsConfidential } from '../../lever/confidential';
import { decodeCursor, encodeCursor, formStrings, text } from './forms';
import { consoleMessage, page, redirectWith, route, signedIn } from './render';

const DAY_MS = 86_400_000;
const PAGE_SIZE = 25;

const Filters = z.object({
  status: z.enum(CHECK_STATUSES).optional().catch(undefined),
  job: text(200).optional().catch(undefined),
  connection: text(100).optional().catch(undefined),
  q: text(200).optional().catch(undefined),
  after: z.string().max(200).optional().catch(undefined),
});

/** The actions a check offers, each confirmed on a page of its own and carried out through its workflow. */
const ACTIONS = {
  'resend-candidate': { label: 'Resend the candidate\'s invitation', confirm: 'The candidate gets their invitation again, with the same link.' },
  cancel: { label: 'Cancel the check', confirm: 'Referees who have not answered are not contacted again, and the candidate\'s and referees\' links stop working; a note goes to the candidate in Lever.' },
  hired: { label: 'Mark hired', confirm: 'Recorded as hired and synced to Lever (note and tag, and archived as hired if the connection says so).' },
  'not-hired': { label: 'Mark not hired', confirm: 'Recorded as not hired and synced to Lever (note and tag).' },
  restart: { label: 'Restart the check', confirm: 'A new run starts for this candidate: a new request and a new invitation.' },
} as const;
type Action = keyof typeof ACTIONS;

/**
 * Checks, for recruiters and admins: every check of the organisation with filters, search and
 * keyset pagination; a page per check with its referees, flags, timeline link and actions.
 */
export function checksRoutes(router: Router, deps: AppDeps) {
  const temporalLink = (workflowId: string) => `${deps.config.TEMPORAL_UI_URL.replace(/\/$/, '')}/namespaces/${encodeURIComponent(deps.config.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`;

  router.get('/console/checks', route(async (req, res) => {
    const me = signedIn(res);
    const f = Filters.parse(req.query);
    const cursor = decodeCursor(f.after);
    const after = cursor && { startedAt: cursor.at, workflowId: cursor.id };
    const q = f.q ? opportunityIdFrom(f.q) ?? f.q : undefined;
    const rows = await listChecks(deps.db, me.organisationId, { status: f.status, job: f.job || undefined, connectionId: f.connection || undefined, q, after, limit: PAGE_SIZE + 1 });
    const more = rows.length > PAGE_SIZE;
    const shown = rows.slice(0, PAGE_SIZE);
    const referees = await listRefereesOf(deps.db, shown.flatMap((r) => (r.request ? [r.request.id] : [])));
    const [connections, jobs] = await Promise.all([listOrgConnections(deps.db, me.organisationId), listCheckJobs(deps.db, me.organisationId)]);
    const base = new URLSearchParams(Object.entries({ status: f.status, job: f.job, connection: f.connection, q: f.q }).filter((e): e is [string, string] => Boolean(e[1])));
    const nextUrl = more ? `/console/checks?${new URLSearchParams([...base, ['after', encodeCursor(shown[shown.length - 1].startedAt, shown[shown.length - 1].workflowId)]])}` : null;
    page(res, 'checks', {
      title: 'Checks', section: 'checks', filters: f, connections, jobs, statuses: CHECK_STATUSES, nextUrl, firstUrl: f.after ? `/console/checks?${base}` : null,
      checks: shown.map((c) => {
        const own = referees.filter((r) => r.requestId === c.request?.id && r.status !== 'replaced');
        return {
          ...c, step: describeStep(c, own), path: checkPath(c), temporalUrl: temporalLink(c.workflowId),
          answered: own.filter((r) => r.status === 'answered').length, asked: own.length,
          flags: c.request ? integrityFlags(c.request, own).length : 0,
        };
      }),
    });
  }));

  router.get('/console/checks/new', route(async (_req, res) => {
    const me = signedIn(res);
    page(res, 'check-new', { title: 'Start a check', section: 'checks', connections: await listOrgConnections(deps.db, me.organisationId), values: {}, errors: {} });
  }));

  router.post('/console/checks', route(async (req, res) => {
    const me = signedIn(res);
    const connections = await listOrgConnections(deps.db, me.organisationId);
    const values = formStrings(req.body, ['connection', 'opportunity']);
    const again = (errors: Record<string, string>, status = 422) => page(res, 'check-new', { title: 'Start a check', section: 'checks', connections, values, errors }, status);
    const connection = connections.find((c) => c.id === values.connection);
    if (!connection) return again({ connection: 'Choose a connection.' });
    const opportunityId = opportunityIdFrom(values.opportunity);
    if (!opportunityId) return again({ opportunity: 'Paste the candidate\'s Lever URL or opportunity id.' });
    const target = await findWebhookTarget(deps.db, deps.box, connection.id, 'candidateStageChange');
    if (!target?.triggerStageId) return again({ connection: 'Finish this connection\'s setup first: choose its trigger stage.' });
    if (await refusedAsConfidential(me.organisationId, connection, opportunityId)) {
      return again({ opportunity: `${CONFIDENTIAL_REFUSED}. ${confidentialFix(connection.confidentialAccess, 'start the check again')}` });
    }
    const { outcome, workflowId } = await deps.checks.start({ ...target, triggerStageId: target.triggerStageId }, opportunityId, Date.now(), { startedBy: `console:${me.id}`, manual: true });
    await audit(deps.db, { organisationId: me.organisationId, accountId: me.id, action: 'check.started', target: workflowId, detail: { outcome } });
    const said = { started: 'Started. The candidate is invited once refcheck has read them from Lever.', restarted: 'Started again.', duplicate: 'This candidate\'s check is already running.', 'already-completed': 'This candidate\'s check has already finished; restart it from its page if needed.' }[outcome];
    redirectWith(req, res, `/console/checks/${connection.id}/${encodeURIComponent(opportunityId)}`, said);
  }));

  /** Whether Lever refuses the candidate to the connection's key as confidential (asked before a console start). */
  async function refusedAsConfidential(organisationId: string, connection: { id: string; leverBaseUrl: string; confidentialAccess: boolean }, opportunityId: string) {
    const apiKey = await openOrgApiKey(deps.db, deps.box, organisationId, connection.id);
    if (!apiKey) return false;
    const limits = { leverRequestsPerSecond: deps.config.LEVER_REQUESTS_PER_SECOND, leverBurst: deps.config.LEVER_BURST, leverSlotHorizonMs: deps.config.LEVER_SLOT_HORIZON_MS };
    const client = consoleLeverClient(deps.db, deps.box, limits, { leverBaseUrl: connection.leverBaseUrl, apiKey, confidentialAccess: connection.confidentialAccess });
    return opportunityRefusedAsConfidential(client, opportunityId);
  }

  /** The organisation's check named in the URL, or a 404 page. */
  async function load(req: Request, res: Response): Promise<CheckRow | undefined> {
    const found = await findCheck(deps.db, signedIn(res).organisationId, referenceCheckWorkflowId(String(req.params.connectionId), String(req.params.opportunityId)));
    if (!found) consoleMessage(res, 404, 'Not found', 'There is no such check in your organisation.', { back: '/console/checks' });
    return found;
  }

  async function show(res: Response, c: CheckRow, extra: Record<string, unknown> = {}) {
    const me = signedIn(res);
    const referees = c.request ? (await listReferees(deps.db, c.request.id)).filter((r) => r.status !== 'replaced') : [];
    const ticked = c.outcome === 'confidential-no-access' && Boolean((await findOrgConnection(deps.db, me.organisationId, c.connectionId))?.confidentialAccess);
    const purged = c.request ? await findPurge(deps.db, c.request.id) : undefined;
    page(res, 'check', {
      title: c.candidateName ?? c.opportunityId, section: 'checks', check: c, path: checkPath(c), step: describeStep(c, referees), referees, purged,
      // Deleted addresses and IPs would all look alike: no flags once the data is gone.
      flags: c.request && !purged ? integrityFlags(c.request, referees) : [], temporalUrl: temporalLink(c.workflowId), actions: availableActions(c),
      audit: await listAudit(deps.db, me.organisationId, { target: c.workflowId, limit: 20 }), labels: ACTIONS,
      reportPdf: c.request ? await findReportPdf(deps.db, c.request.id) : undefined,
      texts: c.request ? await listTexts(deps.db, c.request.id) : [],
      confidentialFix: c.outcome === 'confidential-no-access' ? confidentialFix(ticked, 'restart the check') : undefined, ...extra,
    });
  }

  router.get('/console/checks/:connectionId/:opportunityId', route(async (req, res) => {
    const c = await load(req, res);
    if (c) await show(res, c);
  }));

  /**
   * A renewed report link: for a link in Lever that expired, or one that reached someone it should
   * not have. Every earlier report link of the request stops working; the new one is shown here only.
   */
  router.post('/console/checks/:connectionId/:opportunityId/report-link', route(async (req, res) => {
    const c = await load(req, res);
    if (!c) return;
    if (!c.request || c.request.status === 'open') return consoleMessage(res, 409, 'No report yet', 'The report exists once the references are in.', { back: checkPath(c) });
    const me = signedIn(res);
    await revokeLinks(deps.db, 'report', [c.request.id], 'renewed');
    const link = `${deps.config.PUBLIC_URL.replace(/\/$/, '')}/reports/${deps.links.sign('report', c.request.id, deps.config.REPORT_LINK_TTL_DAYS * DAY_MS)}`;
    await audit(deps.db, { organisationId: me.organisationId, accountId: me.id, action: 'check.report-link-renewed', target: c.workflowId });
    await show(res, c, { reportLink: link, reportLinkDays: deps.config.REPORT_LINK_TTL_DAYS });
  }));

  router.get('/console/checks/:connectionId/:opportunityId/confirm/:action', route(async (req, res) => {
    const c = await load(req, res);
    if (!c) return;
    const action = actionOf(req, c);
    if (!action) return consoleMessage(res, 409, 'Not available', 'This action does not apply to the check as it is now.', { back: checkPath(c) });
    const referee = action === 'resend-referee' ? await refereeOf(req, c) : undefined;
    if (action === 'resend-referee' && !referee) return consoleMessage(res, 404, 'Not found', 'No such referee on this check.', { back: checkPath(c) });
    page(res, 'check-confirm', { title: 'Confirm', section: 'checks', check: c, path: checkPath(c), action, referee, label: action === 'resend-referee' ? `Resend ${referee!.name}'s invitation` : ACTIONS[action].label, explanation: action === 'resend-referee' ? 'The referee gets their invitation again, with the same link.' : ACTIONS[action].confirm });
  }));

  router.post('/console/checks/:connectionId/:opportunityId/actions/:action', route(async (req, res) => {
    const c = await load(req, res);
    if (!c) return;
    const me = signedIn(res);
    const action = actionOf(req, c);
    if (!action) return consoleMessage(res, 409, 'Not available', 'This action does not apply to the check as it is now. Nothing was changed.', { back: checkPath(c) });
    const by = `console:${me.id}`;
    let outcome: string;
    let detail: Record<string, unknown> = {};
    switch (action) {
      case 'resend-candidate':
        outcome = await deps.checks.resendCandidateInvitation(c.workflowId);
        break;
      case 'resend-referee': {
        const referee = await refereeOf(req, c);
        if (!referee) return consoleMessage(res, 404, 'Not found', 'No such referee on this check.', { back: checkPath(c) });
        outcome = await deps.checks.resendRefereeInvitation(referee.id);
        detail = { refereeId: referee.id };
        break;
      }
      case 'cancel':
        outcome = await deps.checks.cancel(c.connectionId, c.opportunityId, by);
        if (outcome !== 'no-run') await revokePortalLinks(c);
        break;
      case 'hired':
      case 'not-hired':
        outcome = await deps.checks.markHired(c.connectionId, c.opportunityId, action === 'hired', by);
        break;
      case 'restart': {
        const target = await findWebhookTarget(deps.db, deps.box, c.connectionId, 'candidateStageChange');
        if (!target?.triggerStageId) return consoleMessage(res, 409, 'Setup incomplete', 'Choose the connection\'s trigger stage first.', { back: checkPath(c) });
        outcome = (await deps.checks.restart({ ...target, triggerStageId: target.triggerStageId }, c.opportunityId, by)).outcome;
        break;
      }
    }
    await audit(deps.db, { organisationId: me.organisationId, accountId: me.id, action: `check.${action}`, target: c.workflowId, detail: { ...detail, outcome } });
    if (outcome === 'no-run') return redirectWith(req, res, checkPath(c), 'Nothing was changed: this check is no longer running.');
    redirectWith(req, res, checkPath(c), `${action === 'resend-referee' ? 'Resend' : ACTIONS[action].label}: done.`);
  }));

  /** A cancelled check's candidate and referees: their links say so instead of showing a closed page. */
  async function revokePortalLinks(c: CheckRow) {
    if (!c.request) return;
    await revokeLinks(deps.db, 'candidate', [c.request.id], 'cancelled');
    await revokeLinks(deps.db, 'referee', (await listReferees(deps.db, c.request.id)).map((r) => r.id), 'cancelled');
  }

  const refereeOf = async (req: Request, c: CheckRow) => {
    const id = typeof req.query.referee === 'string' ? req.query.referee : typeof req.body?.referee === 'string' ? req.body.referee : '';
    // Only this check's own referees: an id from another request is unknown here.
    return c.request ? (await listReferees(deps.db, c.request.id)).find((r) => r.id === id && r.status === 'invited') : undefined;
  };
}

function availableActions(c: CheckRow): (Action | 'resend-referee')[] {
  if (!c.finishedAt) {
    const out: (Action | 'resend-referee')[] = [];
    if (c.request?.status === 'open' && !c.request.nominatedAt) out.push('resend-candidate');
    if (c.request?.status === 'open' && c.request.nominatedAt) out.push('resend-referee');
    if (!c.hireOutcome) out.push('hired', 'not-hired');
    out.push('cancel');
    return out;
  }
  // A finished check may run again when it did nothing for the candidate or was stopped or failed.
  return ['stale-trigger', 'no-template', 'confidential-no-access', 'failed', 'cancelled'].includes(c.outcome ?? '') || c.request?.status === 'expired' ? ['restart'] : [];
}

function actionOf(req: Request, c: CheckRow): Action | 'resend-referee' | undefined {
  const a = String(req.params.action);
  return (availableActions(c) as string[]).includes(a) ? (a as Action | 'resend-referee') : undefined;
}

export const checkPath = (c: Pick<CheckRow, 'connectionId' | 'opportunityId'>) => `/console/checks/${c.connectionId}/${encodeURIComponent(c.opportunityId)}`;
export type { CheckStatus };
