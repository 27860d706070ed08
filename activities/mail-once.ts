import { Context } from '@temporalio/activity';
import { findSentMail, recordSentMail } from '../src/db/sent-mails';
import type { Mail } from '../src/mail/mailer';
import { type ActivityDeps, callingWorkflow } from './deps';

/** How often the record of an accepted mail is retried while Postgres is away. */
const RECORD_RETRY_MS = 500;
/** Kept free of the activity's start-to-close timeout: the last record attempt must have time to finish. */
const TIMEOUT_MARGIN_MS = 3_000;

/**
 * Mail, at most once per workflow step: the key (workflow id + run id + step) is recorded after sending,
 * and a retry that finds it sends nothing. Once SMTP has accepted a mail, a failed record (Postgres
 * restarting) never fails the activity at once: the record is retried, heartbeating, for as long as
 * the activity's timeout allows, and a key this process sent but could not record is remembered, so
 * a retry on this worker records it instead of sending again. What remains: a worker that dies between
 * SMTP's acceptance and the record (or a Postgres outage longer than the timeout, retried on another
 * worker) mails twice; the stable Message-ID lets mail clients fold the copies.
 */
export function mailOnce(deps: ActivityDeps) {
  const sentNotRecorded = new Map<string, string>();
  return async function sendOnce(step: string, build: () => Promise<Omit<Mail, 'messageId'> | undefined>): Promise<void> {
    const startedAt = Date.now();
    // The run id too: a restarted check (same workflow id, new run) mails its people afresh.
    const { workflowId, runId } = callingWorkflow();
    const key = `${workflowId}:${runId}:${step}`;
    const accepted = sentNotRecorded.get(key);
    if (accepted) return recordAccepted(deps, sentNotRecorded, { key, messageId: accepted, startedAt });
    if (await findSentMail(deps.db, key)) return;
    const mail = await build();
    if (!mail) return;
    const messageId = `<${Buffer.from(key).toString('base64url')}@refcheck>`;
    await deps.mailer.send({ ...mail, messageId });
    sentNotRecorded.set(key, messageId);
    await recordAccepted(deps, sentNotRecorded, { key, messageId, startedAt });
  };
}

/** Records a mail SMTP has accepted, retrying through a database outage until the activity's time runs out. */
async function recordAccepted(
  deps: ActivityDeps,
  sentNotRecorded: Map<string, string>,
  sent: { key: string; messageId: string; startedAt: number },
): Promise<void> {
  const { key, messageId } = sent;
  const context = Context.current();
  const giveUpAt = sent.startedAt + context.info.startToCloseTimeoutMs - TIMEOUT_MARGIN_MS;
  for (;;) {
    try {
      await recordSentMail(deps.db, key, messageId);
      sentNotRecorded.delete(key);
      return;
    } catch (err) {
      // The activity fails (and is retried, recording without sending on this worker) only when time is up.
      if (Date.now() + RECORD_RETRY_MS >= giveUpAt || context.cancellationSignal.aborted) throw err;
      context.heartbeat();
      await new Promise((r) => setTimeout(r, RECORD_RETRY_MS));
    }
  }
}

// One formatter for every mail: toLocaleDateString builds a new one per call (~1 ms of ICU work each).
const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
export const formatDate = (d: Date) => dateFormat.format(d);
