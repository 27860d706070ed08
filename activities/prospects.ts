import { ApplicationFailure } from '@temporalio/activity';
import { findCompanyName } from '../src/db/connections';
import * as prospects from '../src/db/prospects';
import type { Opportunity } from '../src/lever/schemas';
import { PROSPECT_WITHDRAW_TTL_MS, prospectWithdrawLink } from '../src/portal/links';
import { renderHtml, renderText } from '../src/views';
import { type ActivityDeps, callingWorkflow } from './deps';
import { leverCall, leverClientFor } from './lever';
import { mailOnce } from './mail-once';

export const PROSPECT_SOURCE = 'refcheck';
/** An exporter's hold on a prospect: longer than one attempt (2 minutes), so only a dead one lapses. */
const CLAIM_SECONDS = 180;

export type ExportProspectInput = { connectionId: string; refereeId: string; performAs: string; tag: string; exportId: string };
export type ExportProspectOutcome = 'created' | 'existing' | 'already-exported' | 'withdrawn' | 'failed';
export type ExportProspectResult = { outcome: ExportProspectOutcome; leverOpportunityId?: string };

/**
 * Prospects to Lever. A prospect's export is idempotent: refcheck looks the person up in Lever by
 * email before creating anything, so an attempt retried after Lever created the lead (response
 * lost, worker killed) finds that lead instead of making a second; the Lever id is then kept in
 * Postgres, and a prospect with one is never sent again. Only ids travel through Temporal.
 */
export function prospectActivities(deps: ActivityDeps) {
  const sendOnce = mailOnce(deps);

  async function pushToLever(p: prospects.ProspectRow, input: ExportProspectInput): Promise<{ outcome: 'created' | 'existing'; id: string }> {
    const client = await leverClientFor(deps, input.connectionId);
    const found = await client.findOpportunitiesByEmail(p.email);
    // Our own lead from an earlier attempt (or an earlier prospect with the same address).
    const ours = found.find((o) => sourcesOf(o).includes(PROSPECT_SOURCE) && o.tags.includes(input.tag));
    if (ours) return { outcome: 'created', id: ours.id };
    const existing = found[0];
    if (existing) {
      if (!existing.tags.includes(input.tag)) await client.addTags(existing.id, [input.tag]);
      return { outcome: 'existing', id: existing.id };
    }
    const created = await client.createOpportunity(input.performAs, {
      name: p.name, emails: [p.email], headline: headline(p), sources: [PROSPECT_SOURCE], tags: [input.tag], origin: 'sourced',
    });
    return { outcome: 'created', id: created.id };
  }

  return {
    /** Records the export's start and total (idempotent per export id); `cutoff`: later opt-ins wait for the next export. */
    async beginProspectExport(input: { connectionId: string; exportId: string; startedBy: string }): Promise<{ total: number; cutoff: string }> {
      const run = await prospects.beginExportRun(deps.db, { ...input, workflowId: callingWorkflow().workflowId });
      return { total: run.total, cutoff: run.startedAt.toISOString() };
    },

    async nextProspects(input: { connectionId: string; after: string | null; cutoff: string; limit: number }): Promise<string[]> {
      return prospects.listUnexportedIds(deps.db, input.connectionId, { after: input.after, cutoff: new Date(input.cutoff), limit: input.limit });
    },

    async finishProspectExport(input: { connectionId: string; exportId: string }): Promise<void> {
      await prospects.finishExportRun(deps.db, input.connectionId, input.exportId);
    },

    async prospectSettings(input: { connectionId: string }): Promise<{ autoExport: boolean; performAs: string | null; tag: string }> {
      const s = await prospects.findProspectSettings(deps.db, input.connectionId);
      return s ? { autoExport: s.autoExport, performAs: s.performAs, tag: s.tag } : { autoExport: false, performAs: null, tag: prospects.DEFAULT_PROSPECT_TAG };
    },

    /** One prospect, once: Lever refusing it (a permanent error) is recorded and reported as 'failed', not thrown. */
    async exportProspect(input: ExportProspectInput): Promise<ExportProspectResult> {
      const claim = await prospects.claimProspect(deps.db, input.refereeId, input.connectionId, callingWorkflow().workflowId, CLAIM_SECONDS);
      if (claim.kind === 'exported') return { outcome: 'already-exported', leverOpportunityId: claim.leverOpportunityId };
      // Another export holds it: retried with backoff, by when it is in Lever (or its holder died and the claim lapsed).
      if (claim.kind === 'busy') throw ApplicationFailure.retryable('another export is sending this prospect to Lever', 'ProspectBusy');
      const p = await prospects.findProspect(deps.db, input.refereeId);
      if (!p || p.connectionId !== input.connectionId) return { outcome: 'withdrawn' };
      try {
        const done = await leverCall(() => pushToLever(p, input));
        await prospects.recordExported(deps.db, input.refereeId, { leverOpportunityId: done.id, outcome: done.outcome, by: input.exportId });
        return { outcome: done.outcome, leverOpportunityId: done.id };
      } catch (err) {
        if (!(err instanceof ApplicationFailure) || !err.nonRetryable) throw err;
        await prospects.recordExportFailure(deps.db, input.refereeId, input.connectionId, err.message);
        return { outcome: 'failed' };
      }
    },

    /** Retries ran out (Lever down for minutes): shown in the console; the next export tries again. */
    async recordProspectFailure(input: { connectionId: string; refereeId: string; error: string }): Promise<void> {
      await prospects.recordExportFailure(deps.db, input.refereeId, input.connectionId, input.error);
    },

    /** The referee's confirmation of their opt-in, with the link to withdraw it: once per prospect workflow. */
    async mailProspectConfirmation(input: { refereeId: string }): Promise<void> {
      await sendOnce(`prospect-confirmation:${input.refereeId}`, async () => {
        const p = await prospects.findProspect(deps.db, input.refereeId);
        if (!p) return undefined;
        const companyName = (await findCompanyName(deps.db, p.connectionId)) ?? 'The hiring team';
        const data = { name: p.name, companyName, link: prospectWithdrawLink(deps.links, deps.settings.publicUrl, p.refereeId, PROSPECT_WITHDRAW_TTL_MS) };
        return {
          to: p.email,
          subject: `${companyName} will tell you about jobs`,
          text: renderText('mail/prospect-confirmation.text.eta', data),
          html: renderHtml('mail/prospect-confirmation.html.eta', data),
        };
      });
    },
  };
}

const sourcesOf = (o: Opportunity): string[] => {
  const s = (o as { sources?: unknown }).sources;
  return Array.isArray(s) ? s.filter((x): x is string => typeof x === 'string') : [];
};

function headline(p: Pick<prospects.ProspectRow, 'title' | 'company'>): string | undefined {
  if (p.title && p.company) return `${p.title} at ${p.company}`;
  return p.company ?? p.title ?? undefined;
}
