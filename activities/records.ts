import * as requests from '../src/db/requests';
import { pickTemplate as findTemplate } from '../src/db/templates';
import { DAY_MS, type ActivityDeps, callingWorkflow } from './deps';

export type TemplateChoice = { id: string; name: string; requiredReferences: number; deadlineSeconds: number };
export type OpenRequestInput = {
  connectionId: string;
  opportunityId: string;
  templateId: string;
  requiredReferences: number;
  deadlineSeconds: number;
  candidateName: string;
  candidateEmail: string;
  postingTitle: string | null;
};

/** refcheck's own records, each write idempotent so a retried activity changes nothing more. */
export function recordActivities(deps: ActivityDeps) {
  return {
    async pickTemplate(input: { connectionId: string; postingTags: string[] }): Promise<TemplateChoice | null> {
      const t = await findTemplate(deps.db, input.connectionId, input.postingTags);
      return t ? { id: t.id, name: t.name, requiredReferences: t.requiredReferences, deadlineSeconds: t.deadlineSeconds } : null;
    },

    async openRequest(input: OpenRequestInput): Promise<{ requestId: string }> {
      const { workflowId, runId } = callingWorkflow();
      const request = await requests.openRequest(deps.db, {
        ...input,
        workflowId,
        runId,
        deadlineAt: new Date(Date.now() + input.deadlineSeconds * 1000),
      });
      return { requestId: request.id };
    },

    async concludeRequest(input: { requestId: string; status: 'completed' | 'expired'; responses: requests.Response[] }): Promise<void> {
      await requests.concludeRequest(deps.db, input.requestId, input.status, input.responses);
    },

    /** Made once and kept in the workflow's history, so every retry publishes the same link. */
    async createReportLink(input: { requestId: string }): Promise<string> {
      const token = deps.links.sign('report', input.requestId, deps.settings.reportLinkTtlDays * DAY_MS);
      return `${deps.settings.publicUrl}/reports/${token}`;
    },

    async recordHireOutcome(input: { requestId: string; outcome: requests.HireOutcome; source: string }): Promise<void> {
      const { workflowId, runId } = callingWorkflow();
      await requests.recordHireOutcome(deps.db, { workflowId, runId, ...input });
    },
  };
}
