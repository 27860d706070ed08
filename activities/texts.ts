import { createHash } from 'node:crypto';
import { findCompanyName } from '../src/db/connections';
import { findReferee } from '../src/db/referees';
import { findRequest } from '../src/db/requests';
import { claimText, findText, settleText, skipText } from '../src/db/sent-texts';
import { roleTitle } from '../src/portal/labels';
import { candidateLink, refereeLink } from '../src/portal/links';
import { toE164 } from '../src/sms/phone';
import { TextRefused, type TextMessage } from '../src/sms/sender';
import { outsideQuietHours } from '../workflows/quiet-hours';
import { DAY_MS, type ActivityDeps, callingWorkflow } from './deps';
import { RecordNotFound } from './errors';

export type TextKind = 'invitation' | 'reminder' | 'resend';
type Built = { message: TextMessage } | { skip: string };
type Target = { requestId: string; refereeId: string | null; kind: string };

/**
 * Texts beside the mails, for templates that turn them on, to whoever has a usable number.
 * Exactly once per step: the message is claimed (sealed) in Postgres before the provider is
 * called; a retry that finds the claim first asks the provider whether that attempt landed, and
 * only sends (the same message) if it did not. A refused number is an outcome, not a failure:
 * the mail still carries the invitation.
 */
export function textActivities(deps: ActivityDeps) {
  async function textOnce(step: string, target: Target, build: () => Promise<Built>): Promise<void> {
    const { workflowId, runId } = callingWorkflow();
    const key = `${workflowId}:${runId}:sms:${step}`;
    const earlier = await findText(deps.db, key);
    if (earlier && earlier.status !== 'sending') return;
    const sms = deps.sms;
    if (!sms) return skipText(deps.db, { key, ...target, reason: 'texts are off on this server (SMS_PROVIDER=none)' });

    let claim = earlier;
    let mine = false;
    if (!claim) {
      const built = await build();
      if ('skip' in built) return skipText(deps.db, { key, ...target, reason: built.skip });
      const sealed = deps.box.seal(JSON.stringify(built.message));
      claim = await claimText(deps.db, { key, ...target, sealedMessage: sealed, bodySha256: createHash('sha256').update(built.message.body).digest('hex') });
      if (claim.status !== 'sending') return;
      mine = claim.sealedMessage === sealed; // else a concurrent attempt claimed it first
    }
    const message = JSON.parse(deps.box.open(claim.sealedMessage!)) as TextMessage;
    if (!mine) {
      // An earlier attempt claimed this text and may have reached the provider before it died.
      const landed = await sms.findSent(message, claim.claimedAt);
      if (landed) return settleText(deps.db, { key, status: 'sent', ...landed });
    }
    try {
      const sent = await sms.send(message);
      await settleText(deps.db, { key, status: 'sent', ...sent });
    } catch (err) {
      if (!(err instanceof TextRefused)) throw err;
      await settleText(deps.db, { key, status: 'failed', reason: err.reason });
    }
  }

  /** The template's SMS settings, or why this request sends no texts. */
  async function context(requestId: string) {
    const request = await findRequest(deps.db, requestId);
    if (!request?.templateSnapshot) throw new RecordNotFound(`reference request ${requestId} (with its template)`);
    const sms = request.templateSnapshot.sms ?? { enabled: false };
    return { request, sms, template: request.templateSnapshot, companyName: (await findCompanyName(deps.db, request.connectionId)) ?? 'The hiring team' };
  }
  const numberOf = (written: string | null | undefined, defaultCountry: string | undefined): { to: string } | { skip: string } => {
    if (!written) return { skip: 'no phone number' };
    const to = toE164(written, defaultCountry);
    if (to) return { to };
    return { skip: defaultCountry ? 'the phone number is not a valid number' : 'the phone number has no country code and the template sets no default country' };
  };
  const inQuietHours = (quiet: Parameters<typeof outsideQuietHours>[1]) => outsideQuietHours(Date.now(), quiet) > Date.now();
  const prefix = (kind: TextKind) => (kind === 'reminder' ? 'Reminder: ' : '');

  return {
    async textCandidate(input: { requestId: string; kind: TextKind; n?: number }): Promise<void> {
      await textOnce(`candidate-${input.kind}${input.n ? `-${input.n}` : ''}`, { requestId: input.requestId, refereeId: null, kind: `candidate-${input.kind}` }, async () => {
        const { request, sms, template, companyName } = await context(input.requestId);
        if (!sms.enabled) return { skip: 'texts are off in the template' };
        const number = numberOf(request.candidatePhone, sms.defaultCountry);
        if ('skip' in number) return number;
        // Invitations and reminders are timed out of quiet hours by the workflow; a resend is pressed by a person, at any hour.
        if (input.kind === 'resend' && inQuietHours(template.reminders.quietHours)) return { skip: 'resent in quiet hours: by mail only' };
        const link = candidateLink(deps.links, deps.settings.publicUrl, request.id, Math.max(request.deadlineAt.getTime() - Date.now(), 0) + 7 * DAY_MS);
        const line = sms.candidateText ?? `${companyName}: please name your referees for the ${roleTitle(request)} role.`;
        return { message: { to: number.to, body: `${prefix(input.kind)}${line} ${link}` } };
      });
    },

    async textReferee(input: { requestId: string; refereeId: string; kind: TextKind; n?: number }): Promise<void> {
      const target = { requestId: input.requestId, refereeId: input.refereeId, kind: `referee-${input.kind}` };
      await textOnce(`referee-${input.kind}:${input.refereeId}${input.n ? `-${input.n}` : ''}`, target, async () => {
        const { request, sms, template, companyName } = await context(input.requestId);
        if (!sms.enabled) return { skip: 'texts are off in the template' };
        const referee = await findReferee(deps.db, input.refereeId);
        if (!referee) throw new RecordNotFound(`referee ${input.refereeId}`);
        // Answered, declined or replaced between the timer and this activity: nothing to ask for.
        if (referee.status !== 'invited') return { skip: `the referee is ${referee.status}` };
        const number = numberOf(referee.phone, sms.defaultCountry);
        if ('skip' in number) return number;
        if (input.kind === 'resend' && inQuietHours(template.reminders.quietHours)) return { skip: 'resent in quiet hours: by mail only' };
        const link = refereeLink(deps.links, deps.settings.publicUrl, referee.id, template.deadlines.refereeSeconds * 1000 + 7 * DAY_MS);
        const line = sms.refereeText ?? `${request.candidateName} named you as a reference for ${companyName}.`;
        return { message: { to: number.to, body: `${prefix(input.kind)}${line} ${link}` } };
      });
    },
  };
}
