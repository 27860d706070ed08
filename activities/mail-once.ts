import { findSentMail, recordSentMail } from '../src/db/sent-mails';
import type { Mail } from '../src/mail/mailer';
import { type ActivityDeps, callingWorkflow } from './deps';

/**
 * Mail, at most once per workflow step: the key (workflow id + run id + step) is recorded after sending,
 * and a retry that finds it sends nothing. SMTP has no idempotency of its own, so a crash between
 * send and record may mail twice; the stable Message-ID lets mail clients fold the copies.
 */
export function mailOnce(deps: ActivityDeps) {
  return async function sendOnce(step: string, build: () => Promise<Omit<Mail, 'messageId'> | undefined>): Promise<void> {
    // The run id too: a restarted check (same workflow id, new run) mails its people afresh.
    const { workflowId, runId } = callingWorkflow();
    const key = `${workflowId}:${runId}:${step}`;
    if (await findSentMail(deps.db, key)) return;
    const mail = await build();
    if (!mail) return;
    const messageId = `<${Buffer.from(key).toString('base64url')}@refcheck>`;
    await deps.mailer.send({ ...mail, messageId });
    await recordSentMail(deps.db, key, messageId);
  };
}

export const formatDate = (d: Date) => d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
