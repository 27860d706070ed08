import { SMTPServer } from 'smtp-server';
import type { Logger } from '../logger';
import { handleHireReply, hireCodeOf } from './inbound';
import type { Db } from '../db/pool';
import type { ReferenceChecks } from '../reference-checks';

const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * Receives replies to hire-confirmation mails over SMTP (point the reply domain's MX here, or
 * relay to it). Mail not for a reply address is refused at RCPT; a reply that cannot be used is
 * refused with a 550 that says why, so the owner's mail client shows them a bounce with the reason.
 */
export function startInboundSmtp(deps: { db: Db; checks: ReferenceChecks; inboundMailDomain: string; logger: Logger }, port: number, host = '0.0.0.0') {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    banner: 'refcheck inbound',
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!hireCodeOf(address.address, deps.inboundMailDomain)) return callback(Object.assign(new Error('no such mailbox'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) return callback(Object.assign(new Error('message too large'), { responseCode: 552 }));
        const recipients = session.envelope.rcptTo.map((r) => r.address);
        handleHireReply(deps, { recipients, raw: Buffer.concat(chunks) })
          .then((r) => {
            deps.logger.info({ via: 'smtp', accepted: r.accepted, result: r.result }, 'hire reply');
            callback(r.accepted ? null : Object.assign(new Error(r.reason), { responseCode: 550 }));
          })
          .catch((err: Error) => {
            deps.logger.error({ err: err.message }, 'hire reply failed');
            callback(Object.assign(new Error('temporarily unable to process, try again later'), { responseCode: 451 }));
          });
      });
    },
  });
  return new Promise<{ port: number; close: () => Promise<void> }>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.server.address();
      resolve({ port: typeof address === 'object' && address ? address.port : port, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}
