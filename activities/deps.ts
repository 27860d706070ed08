import { Context } from '@temporalio/activity';
import type { Db } from '../src/db/pool';
import type { LinkSigner } from '../src/links';
import type { Mailer } from '../src/mail/mailer';
import type { SecretBox } from '../src/secrets';
import type { SmsSender } from '../src/sms/sender';
import { InvalidActivityCall } from './errors';

/** Everything activities need, supplied by the worker (src/worker.ts) or a test. */
export type ActivityDeps = {
  db: Db;
  box: SecretBox;
  links: LinkSigner;
  mailer: Mailer;
  /** undefined when SMS_PROVIDER=none: texts are recorded as skipped */
  sms?: SmsSender;
  settings: {
    publicUrl: string;
    reportLinkTtlDays: number;
    hireLinkTtlDays: number;
    inboundMailDomain: string;
    leverRequestsPerSecond: number;
    leverBurst: number;
    leverSlotHorizonMs: number;
    /** how long a run waits for what the candidate's page signalled to commit (PAGE_COMMIT_WAIT_SECONDS) */
    pageCommitWaitMs: number;
    /** the retention sweep's cut-offs for operational records */
    webhookDeliveryRetentionDays: number;
    webhookMaxAgeSeconds: number;
    /** Chromium for the report PDF; undefined when the worker has none (the PDF is then skipped) */
    chromiumPath?: string;
  };
};

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The calling workflow's ids: activities here only ever run on behalf of a workflow. */
export function callingWorkflow(): { workflowId: string; runId: string } {
  const execution = Context.current().info.workflowExecution;
  if (!execution) throw new InvalidActivityCall('this activity must be called from a workflow');
  return execution;
}
