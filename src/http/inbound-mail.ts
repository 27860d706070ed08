import express from 'express';
import { z } from 'zod';
import { badRequest } from '../errors';
import { handleHireReply, type InboundOutcome } from '../mail/inbound';
import { createMailer } from '../mail/mailer';
import type { AppDeps } from './app';
import { requireBearer } from './api-auth';

const RawMail = z.object({ recipients: z.array(z.string().min(3).max(320)).min(1).max(50), raw: z.string().min(1) });

/** What the provider is told: 2xx only for a message taken (recorded, or the owner asked again). */
const STATUS: Record<InboundOutcome, number> = {
  recorded: 200, 'asked-again': 200, 'no-such-address': 404, 'sender-refused': 403, 'already-answered': 409, closed: 409, expired: 410,
};

/**
 * POST /inbound/mail — for deployments whose mail provider delivers inbound mail by webhook
 * (SendGrid, Mailgun, Postmark all can post the raw MIME). Off unless INBOUND_MAIL_SECRET is set.
 * The same rules as the SMTP listener: reply code, the owner's address, a plain yes or no.
 */
export function inboundMailRouter(deps: AppDeps) {
  const router = express.Router();
  const mailer = createMailer(deps.config.SMTP_URL, deps.config.MAIL_FROM);
  const inbound = { db: deps.db, checks: deps.checks, mailer, inboundMailDomain: deps.config.INBOUND_MAIL_DOMAIN, logger: deps.logger };
  router.post('/inbound/mail', requireBearer(deps.config.INBOUND_MAIL_SECRET), express.json({ limit: deps.config.INBOUND_SMTP_MAX_MESSAGE_BYTES * 2 }), async (req, res) => {
    const parsed = RawMail.safeParse(req.body);
    if (!parsed.success) throw badRequest('expected { recipients: string[], raw: "<RFC 822 message>" }');
    const result = await handleHireReply(inbound, parsed.data, 'http');
    res.status(STATUS[result.outcome]).json({ accepted: result.accepted, outcome: result.outcome, reason: result.reason });
  });
  return router;
}
