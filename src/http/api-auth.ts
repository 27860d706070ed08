import type { RequestHandler } from 'express';
import { AppError } from '../errors';
import { constantTimeEqual } from '../secrets';

/** Bearer-token guard for the admin API and the inbound-mail hook. */
export function requireBearer(secret: string | undefined): RequestHandler {
  return (req, _res, next) => {
    const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (!secret || !given || !constantTimeEqual(given, secret)) return next(new AppError('unauthorized', 401, 'missing or invalid bearer token'));
    next();
  };
}
