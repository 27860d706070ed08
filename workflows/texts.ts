import { condition, log } from '@temporalio/workflow';
import { texts } from './activities';
import type { QuietHours } from './definitions';
import { outsideQuietHours } from './quiet-hours';

/**
 * Texts are the second channel: the mail has already gone, so a provider down for minutes is
 * logged and the check goes on (the activity already retried; see `texts` in activities.ts).
 */
export async function sendText(send: () => Promise<void>, label: string): Promise<void> {
  try {
    await send();
  } catch (err) {
    log.warn('a text could not be sent; the mail went', { label, error: String(err) });
  }
}

/**
 * An invitation's text waits for the end of quiet hours (a text at night wakes people, a mail
 * does not), and is dropped if the person acted meanwhile: it would only be noise by then.
 */
export async function textOutsideQuietHours(t: { quietHours: QuietHours; done: () => boolean; send: () => Promise<void>; label: string }): Promise<void> {
  const at = outsideQuietHours(Date.now(), t.quietHours);
  if (at > Date.now() && (await condition(t.done, at - Date.now(), { summary: `${t.label}: invitation text after quiet hours` }))) return;
  await sendText(t.send, t.label);
}

export { texts };
