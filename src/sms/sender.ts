/**
 * The text-message channel, behind one small interface so a provider can be swapped without
 * touching the activities. `twilio.ts` is the one real adapter; locally and in the tests it talks
 * to the SMS catcher (src/dev/sms-catcher.ts), which speaks the same API.
 */
export type TextMessage = { to: string; body: string };
export type SentText = { providerMessageId: string; segments: number | null };

export interface SmsSender {
  send(message: TextMessage): Promise<SentText>;
  /**
   * The message the provider already holds with exactly this recipient and body, created at or
   * after `since`: how a retry after a lost answer (timeout, worker killed) learns the first
   * attempt went out, since SMS APIs offer no idempotency key of their own.
   */
  findSent(message: TextMessage, since: Date): Promise<SentText | undefined>;
}

/**
 * A provider's refusal of this one message (bad number, recipient opted out): retrying cannot
 * help, so the text is recorded as failed with the reason and the check goes on by mail.
 */
export class TextRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TextRefused';
  }
}
