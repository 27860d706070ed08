import { allHandlersFinished, condition, log, setCurrentDetails, setHandler } from '@temporalio/workflow';
import { local, resend } from './activities';
import { refereeResponded, refereeStatusQuery, refereeWithdrawn, resendRefereeInvitation, type RefereeInput, type RefereeResult, type RefereeStatus } from './definitions';
import { waitWithReminders } from './reminders';
import { sendText, textOutsideQuietHours, texts } from './texts';

/**
 * One referee: invite them, remind them on the template's cadence (never in quiet hours, never
 * past the cap), and end at their answer, their decline, their deadline, or the parent calling
 * it off (the request concluded, or the candidate replaced them).
 */
export async function refereeCheck(input: RefereeInput): Promise<RefereeResult> {
  const status: RefereeStatus = { step: 'inviting', remindersSent: 0 };
  let response: 'answered' | 'declined' | undefined;
  let withdrawn = false;
  let resends = 0;
  setHandler(refereeStatusQuery, () => status);
  setHandler(refereeResponded, (s) => {
    response ??= s.outcome;
  });
  setHandler(refereeWithdrawn, () => {
    withdrawn = true;
  });
  setHandler(resendRefereeInvitation, async () => {
    // A resend asked for while the first invitation is on its way goes after it, not nowhere;
    // once the referee answered, declined or was called off, nothing.
    await condition(() => status.step !== 'inviting');
    if (status.step !== 'awaiting-answer' || response !== undefined || withdrawn) return;
    const n = ++resends;
    try {
      await resend.resendRefereeInvitation({ requestId: input.requestId, refereeId: input.refereeId, n });
      if (input.sms) await sendText(() => texts.textReferee({ requestId: input.requestId, refereeId: input.refereeId, kind: 'resend', n }), 'referee resend');
    } catch (err) {
      // A resend is a courtesy: its failure must not fail the referee's run.
      log.warn('resending the referee invitation failed', { n, error: String(err) });
    }
  });
  const show = () => setCurrentDetails(`**Step:** ${status.step}\n\n**Reminders sent:** ${status.remindersSent}${status.nextReminderAt ? `\n\n**Next reminder:** ${status.nextReminderAt}` : ''}`);

  await local.inviteReferee({ requestId: input.requestId, refereeId: input.refereeId });
  status.step = 'awaiting-answer';
  show();
  const acted = () => response !== undefined || withdrawn;
  const invitationText = input.sms
    ? textOutsideQuietHours({ quietHours: input.reminders.quietHours, done: acted, label: 'referee', send: () => texts.textReferee({ requestId: input.requestId, refereeId: input.refereeId, kind: 'invitation' }) })
    : undefined;
  const { remindersSent } = await waitWithReminders({
    done: acted,
    deadlineAt: Date.now() + input.deadlineSeconds * 1000,
    plan: input.reminders,
    label: 'referee',
    onWait: (next) => {
      status.nextReminderAt = next ? new Date(next).toISOString() : undefined;
      show();
    },
    remind: async (n) => {
      await local.remindReferee({ requestId: input.requestId, refereeId: input.refereeId, n });
      if (input.sms) await sendText(() => texts.textReferee({ requestId: input.requestId, refereeId: input.refereeId, kind: 'reminder', n }), 'referee reminder');
      status.remindersSent = n;
    },
  });

  await invitationText;
  const outcome = response ?? (withdrawn ? 'withdrawn' : await local.expireReferee({ requestId: input.requestId, refereeId: input.refereeId }));
  Object.assign(status, { step: 'done', outcome, nextReminderAt: undefined });
  show();
  // A resend still mailing completes first: a run must not end under a running handler.
  await condition(allHandlersFinished);
  return { refereeId: input.refereeId, outcome, remindersSent };
}
