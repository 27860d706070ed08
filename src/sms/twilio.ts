import { z } from 'zod';
import { TextRefused, type SentText, type SmsSender, type TextMessage } from './sender';

/**
 * Twilio's Programmable Messaging REST API (2010-04-01 Messages resource), called with fetch:
 * two endpoints do not justify the official SDK's dependency tree. Documented at
 * https://www.twilio.com/docs/messaging/api/message-resource. `apiUrl` is https://api.twilio.com
 * in production and the SMS catcher locally.
 */
export type TwilioSettings = { apiUrl: string; accountSid: string; authToken: string; from?: string; messagingServiceSid?: string };

const Message = z.object({
  sid: z.string(),
  to: z.string(),
  body: z.string().nullable(),
  date_created: z.string().nullable(),
  num_segments: z.string().nullable().optional(),
});
const MessagePage = z.object({ messages: z.array(Message) });
const TwilioErrorBody = z.object({ code: z.number().nullable().optional(), message: z.string().optional() });

/** Errors about this message (not about us): a retry sends nothing better. See twilio.com/docs/api/errors. */
const REFUSALS: Record<number, string> = {
  21211: 'the phone number is not a valid mobile number',
  21408: 'texts to this country are not enabled on the SMS account',
  21610: 'the recipient has replied STOP to texts from this sender',
  21612: 'the number cannot receive texts from this sender',
  21614: 'the number is not a mobile number',
};

export class TwilioError extends Error {
  constructor(readonly status: number, readonly code: number | undefined, message: string) {
    super(`Twilio answered ${status}${code ? ` (error ${code})` : ''}: ${message}`);
    this.name = 'TwilioError';
  }
}

export function twilioSender(s: TwilioSettings): SmsSender {
  const base = `${s.apiUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(s.accountSid)}/Messages`;
  const auth = `Basic ${Buffer.from(`${s.accountSid}:${s.authToken}`).toString('base64')}`;

  async function call(url: string, init: RequestInit = {}): Promise<unknown> {
    const res = await fetch(url, { ...init, headers: { ...init.headers, authorization: auth, accept: 'application/json' }, signal: AbortSignal.timeout(20_000) });
    const body: unknown = await res.json().catch(() => ({}));
    if (res.ok) return body;
    const err = TwilioErrorBody.safeParse(body);
    const code = err.success ? (err.data.code ?? undefined) : undefined;
    if (code !== undefined && REFUSALS[code]) throw new TextRefused(REFUSALS[code]);
    // Twilio's message may quote the number: keep it out of errors that reach logs and Temporal.
    throw new TwilioError(res.status, code, res.status === 401 ? 'the account SID or auth token is wrong' : res.statusText || 'error');
  }

  const toSent = (m: z.infer<typeof Message>): SentText => ({ providerMessageId: m.sid, segments: m.num_segments ? Number(m.num_segments) || null : null });

  return {
    async send(message: TextMessage): Promise<SentText> {
      const form = new URLSearchParams({ To: message.to, Body: message.body });
      if (s.messagingServiceSid) form.set('MessagingServiceSid', s.messagingServiceSid);
      else if (s.from) form.set('From', s.from);
      return toSent(Message.parse(await call(`${base}.json`, { method: 'POST', body: form })));
    },

    async findSent(message: TextMessage, since: Date): Promise<SentText | undefined> {
      // Newest first; one page of the recipient's recent messages is plenty for "did my last attempt land".
      const page = MessagePage.parse(await call(`${base}.json?${new URLSearchParams({ To: message.to, PageSize: '50' })}`));
      const recent = (m: z.infer<typeof Message>) => !m.date_created || new Date(m.date_created).getTime() >= since.getTime() - 60_000;
      const found = page.messages.find((m) => m.to === message.to && m.body === message.body && recent(m));
      return found ? toSent(found) : undefined;
    },
  };
}
