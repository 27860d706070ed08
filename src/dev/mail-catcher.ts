import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { caughtList } from './caught';

export type CaughtMail = { id: number; from: string; to: string[]; subject: string; text: string; html: string; replyTo?: string; messageId?: string; receivedAt: Date; raw: Buffer };

export type MailCatcher = {
  smtpPort: number;
  webUrl?: string;
  messages: CaughtMail[];
  /** Resolves with the first message (already received or arriving) that matches. */
  waitFor(match: (m: CaughtMail) => boolean, timeoutMs?: number): Promise<CaughtMail>;
  close(): Promise<void>;
};

/**
 * A real SMTP listener that keeps every message refcheck sends: in memory for tests, as .eml
 * files under a folder, and on a small web page for a developer to read.
 */
export async function startMailCatcher(opts: { smtpPort: number; webPort?: number; dir?: string; host?: string }): Promise<MailCatcher> {
  const host = opts.host ?? '127.0.0.1';
  const caught = caughtList<CaughtMail>('mail');
  const messages = caught.items;
  if (opts.dir) mkdirSync(opts.dir, { recursive: true });

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (_auth, _session, cb) => cb(null, { user: 'dev' }),
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            const mail = toCaught(messages.length + 1, parsed, session.envelope.rcptTo.map((r) => r.address), raw);
            if (opts.dir) writeFileSync(join(opts.dir, `${String(mail.id).padStart(4, '0')}.eml`), raw);
            caught.add(mail);
            callback();
          })
          .catch((err: Error) => callback(err));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(opts.smtpPort, host, () => resolve());
  });
  const smtpPort = (smtp.server.address() as { port: number }).port;

  let web: Server | undefined;
  if (opts.webPort !== undefined) {
    web = createServer((req, res) => {
      const id = Number(/^\/messages\/(\d+)$/.exec(req.url ?? '')?.[1]);
      const mail = messages.find((m) => m.id === id);
      if (req.url === '/messages.json') return void res.setHeader('content-type', 'application/json').end(JSON.stringify(messages.map(({ raw: _raw, ...m }) => m)));
      if (mail) return void res.setHeader('content-type', 'text/html; charset=utf-8').end(page(`<p><a href="/">all mail</a></p>${headerTable(mail)}<pre>${esc(mail.text)}</pre>`));
      res.setHeader('content-type', 'text/html; charset=utf-8').end(page(listing(messages)));
    });
    await new Promise<void>((r) => web!.listen(opts.webPort, host, () => r()));
  }
  const webPort = web ? (web.address() as { port: number }).port : undefined;

  return {
    smtpPort,
    webUrl: webPort ? `http://localhost:${webPort}` : undefined,
    messages,
    waitFor: caught.waitFor,
    async close() {
      await new Promise<void>((r) => smtp.close(() => r()));
      if (web) await new Promise<void>((r) => web!.close(() => r()));
    },
  };
}

function toCaught(id: number, p: ParsedMail, to: string[], raw: Buffer): CaughtMail {
  return {
    id, to, raw, from: p.from?.text ?? '', subject: p.subject ?? '', text: p.text ?? '', html: typeof p.html === 'string' ? p.html : '',
    replyTo: p.replyTo?.value[0]?.address, messageId: p.messageId, receivedAt: new Date(),
  };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (body: string) => `<!doctype html><meta charset="utf-8"><title>refcheck mail</title><style>body{font:15px system-ui;margin:2rem}td,th{padding:.3rem .6rem;text-align:left;border-bottom:1px solid #ddd}pre{white-space:pre-wrap}</style><h1>Mail caught locally</h1>${body}`;
const headerTable = (m: CaughtMail) => `<table><tr><th>From</th><td>${esc(m.from)}</td></tr><tr><th>To</th><td>${esc(m.to.join(', '))}</td></tr><tr><th>Reply-To</th><td>${esc(m.replyTo ?? '')}</td></tr><tr><th>Subject</th><td>${esc(m.subject)}</td></tr></table>`;
const listing = (all: CaughtMail[]) => all.length === 0 ? '<p>No mail yet.</p>'
  : `<table><tr><th>#</th><th>To</th><th>Subject</th><th>Received</th></tr>${[...all].reverse().map((m) => `<tr><td>${m.id}</td><td>${esc(m.to.join(', '))}</td><td><a href="/messages/${m.id}">${esc(m.subject)}</a></td><td>${m.receivedAt.toISOString()}</td></tr>`).join('')}</table>`;
