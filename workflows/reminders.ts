import { condition } from '@temporalio/workflow';
import type { ReminderPlan } from './definitions';
import { outsideQuietHours } from './quiet-hours';

export type ReminderLoop = {
  /** true once the person acted (or the wait was called off) */
  done: () => boolean;
  deadlineAt: number;
  plan: ReminderPlan;
  remind: (n: number) => Promise<void>;
  /** reminders this person already had before this wait (it waits again after a nomination that never committed) */
  alreadySent?: number;
  /** told the next reminder's time (undefined: none left before the deadline) before each wait */
  onWait?: (nextReminderAt: number | undefined) => void;
  label: string;
};

/**
 * Waits for a person until a deadline, reminding them every `intervalSeconds` (counted from the
 * last mail), never inside quiet hours and never more than `maxCount` times in all. Returns
 * whether they acted and the reminders sent in all; the deadline passing is an outcome, not an error.
 */
export async function waitWithReminders(loop: ReminderLoop): Promise<{ acted: boolean; remindersSent: number }> {
  let sent = loop.alreadySent ?? 0;
  let lastMailAt = Date.now();
  while (!loop.done() && Date.now() < loop.deadlineAt) {
    const due = sent < loop.plan.maxCount ? outsideQuietHours(lastMailAt + loop.plan.intervalSeconds * 1000, loop.plan.quietHours) : Infinity;
    const wakeAt = Math.min(due, loop.deadlineAt);
    loop.onWait?.(due < loop.deadlineAt ? due : undefined);
    const acted = await condition(loop.done, Math.max(wakeAt - Date.now(), 1), { summary: due < loop.deadlineAt ? `${loop.label}: next reminder` : `${loop.label}: deadline` });
    if (acted || Date.now() >= loop.deadlineAt) break;
    if (Date.now() >= due) {
      sent += 1;
      await loop.remind(sent);
      lastMailAt = Date.now();
    }
  }
  return { acted: loop.done(), remindersSent: sent };
}
