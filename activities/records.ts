import { forgetLeverWrites } from '../src/db/lever-writes';
import * as requests from '../src/db/requests';
import { findTemplate, pickTemplate as pickByTags } from '../src/db/templates';
import type { PortalPlan } from '../workflows/definitions';
import { findCheckPeople, forgetCheckPeople, setCheckRequest } from '../src/db/checks';
import { keepReportLink } from '../src/db/report-links';
import { recordEvent } from '../src/db/events';
import { DAY_MS, type ActivityDeps, callingWorkflow } from './deps';
import { RecordNotFound } from './errors';

export type TemplateChoice = { id: string; name: string; requiredReferences: number; deadlineSeconds: number };
export type OpenRequestInput = {
  connectionId: string;
  opportunityId: string;
  templateId: string;
  requiredReferences: number;
  deadlineSeconds: number;
};

/** refcheck's own records, each write idempotent so a retried activity changes nothing more. */
export function recordActivities(deps: ActivityDeps) {
  return {
    async pickTemplate(input: { connectionId: string; postingTags: string[] }): Promise<TemplateChoice | null> {
      const t = await pickByTags(deps.db, input.connectionId, input.postingTags);
      return t ? { id: t.id, name: t.name, requiredReferences: t.requiredReferences, deadlineSeconds: t.deadlineSeconds } : null;
    },

    /** Opens the request with a copy of the template, so later edits leave it alone; returns the plan the workflow follows. */
    async openRequest(input: OpenRequestInput): Promise<{ requestId: string; plan: PortalPlan }> {
      const { workflowId, runId } = callingWorkflow();
      const template = await findTemplate(deps.db, input.connectionId, input.templateId);
      if (!template) throw new RecordNotFound(`template ${input.templateId}`);
      // Who the candidate is, as readCandidate kept it: names and addresses never pass through the workflow.
      const people = await findCheckPeople(deps.db, { workflowId, runId });
      if (!people?.candidateEmail) throw new RecordNotFound("this run's candidate with an email address");
      const t = template.settings;
      const request = await requests.openRequest(deps.db, {
        ...input,
        candidateName: people.candidateName,
        candidateEmail: people.candidateEmail,
        postingTitle: people.postingTitle,
        workflowId,
        runId,
        deadlineAt: new Date(Date.now() + (t.deadlines.candidateSeconds + t.deadlines.refereeSeconds) * 1000),
        templateSnapshot: t,
      });
      await recordEvent(deps.db, request.id, 'opened', null, `${workflowId}:${runId}:opened`);
      await setCheckRequest(deps.db, { workflowId, runId, requestId: request.id });
      return {
        requestId: request.id,
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
