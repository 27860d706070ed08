import { forgetLeverWrites } from '../src/db/lever-writes';
import * as requests from '../src/db/requests';
import { pickTemplate } from '../src/db/templates';
import type { PortalPlan } from '../workflows/definitions';
import { findCheckPeople, forgetCheckPeople, setCheckRequest } from '../src/db/checks';
import { keepReportLink } from '../src/db/report-links';
import { recordEvent } from '../src/db/events';
import { DAY_MS, type ActivityDeps, callingWorkflow } from './deps';
import { RecordNotFound } from './errors';

export type OpenRequestInput = { connectionId: string; opportunityId: string; postingTags: string[] };
/** The request and what the workflow follows, or why there is none: no template for the posting's tags and no default. */
export type OpenedRequest =
  | { requestId: string; templateName: string; requiredReferences: number; plan: PortalPlan }
  | { noTemplate: true };

/** refcheck's own records, each write idempotent so a retried activity changes nothing more. */
export function recordActivities(deps: ActivityDeps) {
  return {
    /**
     * Opens the request with a copy of the template the posting's tags ask for (else the
     * connection's default), so later edits leave it alone; returns the plan the workflow follows.
     * A retry gets the request the first attempt opened, and follows that request's copy.
     */
    async openRequest(input: OpenRequestInput): Promise<OpenedRequest> {
      const { workflowId, runId } = callingWorkflow();
      const template = await pickTemplate(deps.db, input.connectionId, input.postingTags);
      if (!template) return { noTemplate: true };
      // Who the candidate is, as readCandidate kept it: names and addresses never pass through the workflow.
      const people = await findCheckPeople(deps.db, { workflowId, runId });
      if (!people?.candidateEmail) throw new RecordNotFound("this run's candidate with an email address");
      const request = await requests.openRequest(deps.db, {
        connectionId: input.connectionId,
        opportunityId: input.opportunityId,
        templateId: template.id,
        requiredReferences: template.requiredReferences,
        candidateName: people.candidateName,
        candidateEmail: people.candidateEmail,
        postingTitle: people.postingTitle,
        workflowId,
        runId,
        deadlineAt: new Date(Date.now() + (template.settings.deadlines.candidateSeconds + template.settings.deadlines.refereeSeconds) * 1000),
        templateSnapshot: template.settings,
      });
      await recordEvent(deps.db, request.id, 'opened', null, `${workflowId}:${runId}:opened`);
      await setCheckRequest(deps.db, { workflowId, runId, requestId: request.id });
      const t = request.templateSnapshot ?? template.settings;
      return {
        requestId: request.id,
        templateName: template.name,
        requiredReferences: request.requiredReferences,
        plan: {
          reminders: t.reminders, candidateDeadlineSeconds: t.deadlines.candidateSeconds, refereeDeadlineSeconds: t.deadlines.refereeSeconds,
          conclusion: t.conclusion, hiringManager: t.hiringManager !== null, sms: t.sms?.enabled ?? false,
        },
      };
    },

    /**
     * Lever deleted the candidate: refcheck forgets them, every request it kept for them (referees,
     * answers, timeline and hire question go with it) and who they were on the console's rows.
     */
    async forgetCandidate(input: { connectionId: string; opportunityId: string }): Promise<void> {
      await requests.deleteRequestsForOpportunity(deps.db, input.connectionId, input.opportunityId);
      await forgetCheckPeople(deps.db, input.connectionId, input.opportunityId);
      await forgetLeverWrites(deps.db, input.connectionId, input.opportunityId);
    },

    /** Made once and kept (sealed) in Postgres, so every retry publishes the same link and the history never holds it. */
    async createReportLink(input: { requestId: string }): Promise<void> {
      await keepReportLink(deps.db, deps.box, input.requestId, () => {
        const token = deps.links.sign('report', input.requestId, deps.settings.reportLinkTtlDays * DAY_MS);
        return `${deps.settings.publicUrl}/reports/${token}`;
      });
    },

    async recordHireOutcome(input: { requestId: string; outcome: requests.HireOutcome; source: string }): Promise<void> {
      const { workflowId, runId } = callingWorkflow();
      await requests.recordHireOutcome(deps.db, { workflowId, runId, ...input });
    },
  };
}
