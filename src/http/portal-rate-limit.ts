import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { message } from './page-helpers';

/** The path prefixes of pages behind signed links: the candidate's, referees', reports and hire answers. */
export const PORTAL_PATHS = ['/candidate', '/referee', '/reports', '/hire'];

/**
 * Generous limits on the pages behind links, per link and per IP (express-rate-limit, in memory:
 * one api process). A person never meets them; a script hammering one link, or trying many from
 * one address, gets a page asking it to wait. The per-link key is a hash: limiter keys are not secret.
 */
export function portalRateLimit(config: Pick<Config, 'PORTAL_RATE_LIMIT_WINDOW_SECONDS' | 'PORTAL_RATE_LIMIT_PER_LINK' | 'PORTAL_RATE_LIMIT_PER_IP'>, logger: Logger): RequestHandler[] {
  const common = { windowMs: config.PORTAL_RATE_LIMIT_WINDOW_SECONDS * 1000, standardHeaders: 'draft-8', legacyHeaders: false } as const;
  const slowDown = (per: 'link' | 'ip'): RequestHandler => (req, res) => {
    logger.warn({ per, pages: req.baseUrl }, 'portal rate limit reached');
    message(res, 429, 'Too many requests', 'Please wait a few minutes, then open your link again.');
  };
  return [
    rateLimit({ ...common, limit: config.PORTAL_RATE_LIMIT_PER_IP, handler: slowDown('ip') }),
    rateLimit({ ...common, limit: config.PORTAL_RATE_LIMIT_PER_LINK, keyGenerator: (req) => sha256(linkIn(req)!), skip: (req) => !linkIn(req), handler: slowDown('link') }),
  ];
}

/** The signed link in the path (`<claims>.<mac>`); a path without one is limited per IP only. */
const linkIn = (req: Request) => req.path.split('/').find((part) => /^[\w-]+\.[\w-]+$/.test(part));
const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');
