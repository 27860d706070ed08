import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import express, { type Request, type Response } from 'express';
import { caughtList } from './caught';

export type CaughtText = { sid: string; to: string; from: string; body: string; segments: number; createdAt: Date };

export type SmsCatcher = {
  /** what refcheck's TWILIO_API_URL points at */
  apiUrl: string;
  accountSid: string;
  authToken: string;
  texts: CaughtText[];
  /** Resolves with the first text (already caught or arriving) that matches. */
  waitFor(match: (t: CaughtText) => boolean, timeoutMs?: number): Promise<CaughtText>;
  /** The next `n` sends are kept, but answered 500: a provider that took the message and lost the answer. */
  failAfterAccepting(n: number): void;
  /** Texts to this number are refused with Twilio's error code (e.g. 21610: the recipient replied STOP). */
  refuse(to: string, code: number): void;
  close(): Promise<void>;
};

export const LOCAL_SMS_ACCOUNT_SID = 'AC00000000000000000000000000000000';
export const LOCAL_SMS_AUTH_TOKEN = 'local-sms-catcher';

/**
 * A local stand-in for Twilio, like the mail catcher for SMTP: it speaks the part of Twilio's
 * Messages API that refcheck's real adapter (src/sms/twilio.ts) uses (Basic auth, form-encoded
 * create, list by recipient, Twilio's error bodies and codes), keeps every text in memory and as
 * JSON files, and lists them on a page at its root.
 */
export async function startSmsCatcher(opts: { port: number; dir?: string; host?: string }): Promise<SmsCatcher> {
  const host = opts.host ?? '127.0.0.1';
  const caught = caughtList<CaughtText>('text');
  const texts = caught.items;
  const refusals = new Map<string, number>();
  let lostAnswers = 0;
  if (opts.dir) mkdirSync(opts.dir, { recursive: true });

  const app = express();
  const base = '/2010-04-01/Accounts/:sid';
  const error = (res: Response, status: number, code: number, message: string) =>
    res.status(status).json({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
  const authorised = (req: Request, res: Response) => {
    const expected = `Basic ${Buffer.from(`${LOCAL_SMS_ACCOUNT_SID}:${LOCAL_SMS_AUTH_TOKEN}`).toString('base64')}`;
    if (req.params.sid === LOCAL_SMS_ACCOUNT_SID && req.headers.authorization === expected) return true;
    error(res, 401, 20003, 'Authenticate');
    return false;
  };
  const view = (t: CaughtText) => ({
    sid: t.sid, account_sid: LOCAL_SMS_ACCOUNT_SID, to: t.to, from: t.from, body: t.body, status: 'queued', direction: 'outbound-api',
    num_segments: String(t.segments), date_created: t.createdAt.toUTCString(), date_updated: t.createdAt.toUTCString(), date_sent: null,
    error_code: null, error_message: null, api_version: '2010-04-01', uri: `/2010-04-01/Accounts/${LOCAL_SMS_ACCOUNT_SID}/Messages/${t.sid}.json`,
  });

  app.post(`${base}/Messages.json`, express.urlencoded({ extended: false, limit: '64kb' }), (req, res): void => {
    if (!authorised(req, res)) return;
    const form = req.body as Record<string, string | undefined>;
    const to = form.To ?? '';
    const body = form.Body ?? '';
    const problem = !/^\+[1-9]\d{6,14}$/.test(to) ? [21211, `The 'To' number ${to} is not a valid phone number.`] as const
      : !form.From && !form.MessagingServiceSid ? [21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message."] as const
        : !body ? [21602, 'Message body is required.'] as const
          : body.length > 1600 ? [21617, 'The concatenated message body exceeds the 1600 character limit.'] as const
            : refusals.has(to) ? [refusals.get(to)!, 'Attempt to send to unsubscribed recipient'] as const : undefined;
    if (problem) return void error(res, 400, problem[0], problem[1]);
    const text: CaughtText = { sid: `SM${randomBytes(16).toString('hex')}`, to, from: form.MessagingServiceSid ?? form.From ?? '', body, segments: segmentsOf(body), createdAt: new Date() };
    if (opts.dir) writeFileSync(join(opts.dir, `${String(texts.length + 1).padStart(4, '0')}.json`), JSON.stringify(view(text), null, 2));
    caught.add(text);
    if (lostAnswers > 0) {
      lostAnswers -= 1;
      return void error(res, 500, 20500, 'Internal Server Error');
    }
    res.status(201).json(view(text));
  });
  app.get(`${base}/Messages.json`, (req, res) => {
    if (!authorised(req, res)) return;
    const to = typeof req.query.To === 'string' ? req.query.To : undefined;
    const size = Math.min(Number(req.query.PageSize) || 50, 1000);
    const matching = [...texts].reverse().filter((t) => !to || t.to === to).slice(0, size);
    res.json({ messages: matching.map(view), page: 0, page_size: size, next_page_uri: null, first_page_uri: req.originalUrl, previous_page_uri: null });
  });
  app.get(`${base}/Messages/:messageSid.json`, (req, res): void => {
    if (!authorised(req, res)) return;
    const text = texts.find((t) => t.sid === req.params.messageSid);
    if (!text) return void error(res, 404, 20404, `The requested resource ${req.path} was not found`);
    res.json(view(text));
  });
  app.get('/texts.json', (_req, res) => void res.json(texts));
  app.get('/', (_req, res) => void res.type('html').send(page(texts)));

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(opts.port, host, () => resolve(s)).once('error', reject);
  });
  const port = (server.address() as { port: number }).port;

  return {
    apiUrl: `http://${host}:${port}`,
    accountSid: LOCAL_SMS_ACCOUNT_SID,
    authToken: LOCAL_SMS_AUTH_TOKEN,
    texts,
    waitFor: caught.waitFor,
    failAfterAccepting: (n) => void (lostAnswers = n),
    refuse: (to, code) => void refusals.set(to, code),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** GSM-7 texts split at 153 characters (160 alone); anything else is UCS-2, 67 (70 alone). */
function segmentsOf(body: string): number {
  const gsm = /^[\n\r -~£¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¡ÄÖÑÜ§¿äöñüà]*$/.test(body);
  const [single, multi] = gsm ? [160, 153] : [70, 67];
  return body.length <= single ? 1 : Math.ceil(body.length / multi);
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (all: CaughtText[]) =>
  `<!doctype html><meta charset="utf-8"><title>refcheck texts</title><style>body{font:15px system-ui;margin:2rem}td,th{padding:.3rem .6rem;text-align:left;border-bottom:1px solid #ddd;vertical-align:top}td.b{white-space:pre-wrap;max-width:40rem}</style><h1>Text messages caught locally</h1>` +
  (all.length === 0
    ? '<p>No texts yet.</p>'
    : `<table><tr><th>To</th><th>Text</th><th>Segments</th><th>Sent</th></tr>${[...all].reverse().map((t) => `<tr><td>${esc(t.to)}</td><td class="b">${esc(t.body)}</td><td>${t.segments}</td><td>${t.createdAt.toISOString()}</td></tr>`).join('')}</table>`);
