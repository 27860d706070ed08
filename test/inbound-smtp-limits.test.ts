import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { loadConfig, toEnv } from '../src/config';
import { freePort, waitUntil } from '../src/dev/processes';
import { projectRoot } from '../src/dev/project-root';
import { suiteEnv } from './helpers/env';

/**
 * The mail listener is reachable by anyone, unauthenticated: it runs as its own process
 * (`node dist/src/mail-listener.js`), and every way to make it hold on to something is bounded.
 * These tests talk raw SMTP to that real process and read its memory from /proc.
 */
const LISTENER = join(projectRoot(), 'dist', 'src', 'mail-listener.js');
const MAX_CLIENTS = 3;
const DOMAIN = 'reply.refcheck.test';
let listener: ChildProcess;
let port: number;
const started: ChildProcess[] = [];

/** The real listener process, configured like production but for the given settings. */
async function startListener(settings: Record<string, string> = {}) {
  if (!existsSync(LISTENER)) throw new Error('dist/src/mail-listener.js is missing: run `npm run build` first');
  const env = suiteEnv();
  const listenOn = await freePort();
  const config = loadConfig({
    DATABASE_URL: env.databaseUrl, TEMPORAL_ADDRESS: env.temporalAddress,
    REFCHECK_ENCRYPTION_KEY: randomBytes(32).toString('base64'), REFCHECK_LINK_SECRET: randomBytes(32).toString('hex'), REFCHECK_ADMIN_TOKEN: randomBytes(24).toString('hex'),
    TEMPORAL_PAYLOAD_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    INBOUND_MAIL_DOMAIN: DOMAIN, INBOUND_SMTP_PORT: String(listenOn), INBOUND_SMTP_MAX_CLIENTS: String(MAX_CLIENTS), LOG_LEVEL: 'info', ...settings,
  });
  const child = spawn(process.execPath, [LISTENER], { env: { PATH: process.env.PATH, ...toEnv(config) }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await waitUntil('the mail listener to be ready', async () => output.includes('mail listener ready'), 30_000, 100);
  return { child, port: listenOn };
}

beforeAll(async () => {
  ({ child: listener, port } = await startListener());
});

afterAll(async () => {
  for (const child of started) {
    if (child.exitCode !== null) continue;
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});

/** A raw SMTP client: each reply line as it comes, so a test can see a reply that arrives mid-message. */
async function smtpClient(to = port) {
  const socket: Socket = connect(to, '127.0.0.1');
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString()));
  socket.on('error', () => undefined); // the server may close on us; the replies say why
  await once(socket, 'connect');
  const replies = () => received.split('\r\n').filter(Boolean);
  const waitForReply = async (code: RegExp, after = 0) => {
    await waitUntil(`an SMTP reply ${code}`, async () => replies().slice(after).some((l) => code.test(l)), 20_000, 20);
    return replies().slice(after).find((l) => code.test(l))!;
  };
  const command = async (line: string, code: RegExp) => {
    const before = replies().length;
    socket.write(`${line}\r\n`);
    return waitForReply(code, before);
  };
  return { socket, replies, waitForReply, command, close: () => socket.destroy() };
}

const vmKb = (field: 'VmRSS' | 'VmHWM') => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${listener.pid}/status`, 'utf8'))![1]);

test('when a 50 MB message arrives, then it is refused with 552 as soon as it passes the limit, and the listener does not hold it in memory', async () => {
  const client = await smtpClient();
  await client.waitForReply(/^220 /);
  await client.command('EHLO flood.test', /^250 /);
  await client.command('MAIL FROM:<flood@flood.test>', /^250 /);
  await client.command(`RCPT TO:<hire+${'a'.repeat(32)}@${DOMAIN}>`, /^250 /);
  await client.command('DATA', /^354 /);
  const rssBefore = vmKb('VmRSS');

  // 50 MB of message lines, written as fast as the socket takes them, until the server answers.
  const line = `${'x'.repeat(998)}\r\n`;
  const chunk = Buffer.from(line.repeat(1024)); // ~1 MB
  const repliesBefore = client.replies().length;
  let sent = 0;
  while (sent < 50 * 1024 * 1024 && client.replies().length === repliesBefore && !client.socket.destroyed) {
    if (!client.socket.write(chunk)) await Promise.race([once(client.socket, 'drain'), once(client.socket, 'close')]);
    sent += chunk.length;
  }
  const reply = await client.waitForReply(/^5\d\d /, repliesBefore);
  expect(reply).toMatch(/^552 /);
  // The answer came while the message was still arriving, not after all of it was read.
  expect(sent).toBeLessThan(50 * 1024 * 1024);

  // Peak resident memory (VmHWM) since the process started, against its size before the message:
  // buffering the message would add at least its size. Bounded generously.
  expect(vmKb('VmHWM') - rssBefore).toBeLessThan(20 * 1024);
  client.close();
  expect(listener.exitCode).toBeNull();
});

test(`when ${MAX_CLIENTS} clients are connected, then client number ${MAX_CLIENTS + 1} is refused with 421, and a freed place goes to the next`, async () => {
  const clients = [];
  for (let i = 0; i < MAX_CLIENTS; i++) {
    const c = await smtpClient();
    await c.waitForReply(/^220 /);
    clients.push(c);
  }
  const extra = await smtpClient();
  expect(await extra.waitForReply(/^\d{3} /)).toMatch(/^421 /);
  extra.close();

  clients.pop()!.close();
  await waitUntil('a freed place', greetedWith220, 20_000, 100);
  for (const c of clients) c.close();
  await waitUntil('the listener to welcome clients again', greetedWith220, 20_000, 100);
});

/** A client connects and is welcomed (not told 421): the listener has a place for it. */
async function greetedWith220() {
  const next = await smtpClient();
  const greeting = await next.waitForReply(/^\d{3} /);
  next.close();
  return greeting.startsWith('220 ');
}

test('when a certificate is configured, then STARTTLS is offered (and not without one), and a silent client is dropped after the idle timeout', async () => {
  const plain = await smtpClient();
  await plain.waitForReply(/^220 /);
  await plain.command('EHLO client.test', /^250 /);
  expect(plain.replies().join('\n')).not.toMatch(/STARTTLS/);
  plain.close();

  const dir = mkdtempSync(join(tmpdir(), 'refcheck-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${DOMAIN}`, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const tls = await startListener({
    INBOUND_SMTP_TLS_CERT_FILE: join(dir, 'cert.pem'), INBOUND_SMTP_TLS_KEY_FILE: join(dir, 'key.pem'), INBOUND_SMTP_IDLE_TIMEOUT_SECONDS: '1',
  });
  const client = await smtpClient(tls.port);
  await client.waitForReply(/^220 /);
  await client.command('EHLO client.test', /^250 /);
  expect(client.replies().join('\n')).toMatch(/STARTTLS/);
  // Silent from here on: the listener says 421 and hangs up.
  expect(await client.waitForReply(/^421 /)).toMatch(/timeout/i);
  await waitUntil('the listener to close the connection', async () => client.socket.destroyed || client.socket.readableEnded, 10_000, 50);
  client.close();
});
