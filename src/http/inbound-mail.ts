import express from 'express';
import { z } from 'zod';
import { badRequest } from '../errors';
import { handleHireReply } from '../mail/inbound';
import type { AppDeps } from './app';
import { requireBearer } from './api-auth';

const RawMail = z.object({ recipients: z.array(z.string().min(3)).min(1).max(50), raw: z.string().min(1) });

/**
 * POST /inbound/mail — for deployments whose mail provider delivers inbound mail by webhook
 * (SendGrid, Mailgun, Postmark all can post the raw MIME). Off unless INBOUND_MAIL_SECRET is set.
 */
export function inboundMailRouter(deps: AppDeps) {
  const router = express.Router();
  router.post('/inbound/mail', requireBearer(deps.config.INBOUND_MAIL_SECRET), express.json({ limit: '1mb' }), async (req, res) => {
    const parsed = RawMail.safeParse(req.body);
    if (!parsed.success) throw badRequest('expected { recipients: string[], raw: "<RFC 822 message>" }');
    const result = await handleHireReply({ db: deps.db, checks: deps.checks, inboundMailDomain: deps.config.INBOUND_MAIL_DOMAIN }, parsed.data);
    deps.logger.info({ via: 'http', accepted: result.accepted, result: result.result }, 'hire reply');
    res.status(result.accepted ? 200 : 422).json({ accepted: result.accepted, reason: result.reason });
  });
  return router;
}
