import { readFileSync } from 'node:fs';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import type { Config } from '../config';
import { handleHireReply, replyCodeOf, type InboundDeps } from './inbound';

export type InboundSmtpOptions = {
  port: number;
  host: string;
  maxMessageBytes: number;
  maxClients: number;
  /** an idle client is told 421 and dropped after this */
  socketTimeoutMs: number;
  /** STARTTLS is offered only with a certificate; without one, a TLS-terminating MTA belongs in front */
  tls?: { key: Buffer; cert: Buffer };
};

/** The listener's settings from the config; the certificate files are read once, here. */
export function inboundSmtpOptions(config: Config): InboundSmtpOptions {
  const { INBOUND_SMTP_TLS_KEY_FILE: keyFile, INBOUND_SMTP_TLS_CERT_FILE: certFile } = config;
  return {
    port: config.INBOUND_SMTP_PORT,
    host: config.INBOUND_SMTP_HOST,
    maxMessageBytes: config.INBOUND_SMTP_MAX_MESSAGE_BYTES,
    maxClients: config.INBOUND_SMTP_MAX_CLIENTS,
    socketTimeoutMs: config.INBOUND_SMTP_IDLE_TIMEOUT_SECONDS * 1000,
    tls: keyFile && certFile ? { key: readFileSync(keyFile), cert: readFileSync(certFile) } : undefined,
  };
}

const smtpError = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode });

/**
 * Receives replies to hire-confirmation mails over SMTP (point the reply domain's MX here, or relay
 * to it). It is reachable by anyone, unauthenticated, so everything is bounded: clients past
 * maxClients get 421, idle ones are dropped, and a message is refused with 552 the moment it passes
 * maxMessageBytes, without reading it into memory. Mail not for a reply address is refused at RCPT;
 * a reply that cannot be used is refused with a 550 that says why, which the owner sees as a bounce.
 */
export function startInboundSmtp(deps: InboundDeps, options: InboundSmtpOptions) {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: options.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    size: options.maxMessageBytes,
    maxClients: options.maxClients,
    socketTimeout: options.socketTimeoutMs,
    closeTimeout: Math.min(options.socketTimeoutMs, 30_000),
    banner: 'refcheck inbound',
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!replyCodeOf(address.address, deps.inboundMailDomain)) return callback(smtpError(550, 'no such mailbox'));
      callback();
    },
    onData(stream, session, callback) {
      readBounded(stream, options.maxMessageBytes).then(
        (raw) => {
          if (!raw) return callback(smtpError(552, `message exceeds the maximum size of ${options.maxMessageBytes} bytes`));
          const recipients = session.envelope.rcptTo.map((r) => r.address);
          handleHireReply(deps, { recipients, raw }, 'smtp')
            .then((r) => callback(r.accepted ? null : smtpError(550, r.reason)))
            .catch((err: Error) => {
              deps.logger.error({ err: err.message }, 'hire reply failed');
              callback(smtpError(451, 'temporarily unable to process, try again later'));
            });
        },
        () => callback(smtpError(451, 'the message did not arrive whole')),
      );
    },
  });
  server.on('error', (err) => deps.logger.warn({ err: err.message }, 'inbound SMTP client error'));
  return new Promise<{ port: number; close: () => Promise<void> }>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const address = server.server.address();
      resolve({ port: typeof address === 'object' && address ? address.port : options.port, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/**
 * The message, or undefined once it passes the limit: then what was read is dropped and the stream
 * destroyed, which makes smtp-server answer at once and discard the rest instead of handing it to us.
 */
function readBounded(stream: SMTPServerDataStream, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes || stream.sizeExceeded) {
        chunks.length = 0;
        stream.destroy();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}
