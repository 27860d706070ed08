import { createHmac } from 'node:crypto';
import type { RequestHandler, Request, Response } from 'express';
import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import { doubleCsrf } from 'csrf-csrf';
import type { Config } from '../../config';
import type { Db } from '../../db/pool';

declare module 'express-session' {
  interface SessionData {
    accountId?: string;
    /** one-shot message for the next page ("Connection saved") */
    flash?: string;
  }
}

export const CONSOLE_CSRF_FIELD = '_csrf';
const SESSION_HOURS = 12;

/** Keys derived from the link secret, one per use: a session key never doubles as a link or CSRF key. */
const derive = (config: Pick<Config, 'REFCHECK_LINK_SECRET'>, use: string) => createHmac('sha256', config.REFCHECK_LINK_SECRET).update(`refcheck/${use}`).digest('hex');

/**
 * Console sessions: express-session with connect-pg-simple, so every api process shares them and
 * a restart signs nobody out. Cookies are HttpOnly and SameSite=Lax, Secure with a `__Host-` name
 * when the console is served over https. Twelve hours, renewed while in use.
 */
export function consoleSession(config: Pick<Config, 'PUBLIC_URL' | 'REFCHECK_LINK_SECRET'>, db: Db): RequestHandler {
  const secure = new URL(config.PUBLIC_URL).protocol === 'https:';
  const PgStore = connectPgSimple(session);
  return session({
    store: new PgStore({ pool: db.pool, tableName: 'console_sessions', createTableIfMissing: false, pruneSessionInterval: 15 * 60 }),
    name: secure ? '__Host-refcheck.console' : 'refcheck.console',
    secret: derive(config, 'console-session/v1'),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: secure,
    cookie: { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: SESSION_HOURS * 60 * 60 * 1000 },
  });
}

/**
 * Double-submit CSRF tokens (csrf-csrf) for every console form. Signed-in pages bind the token to
 * the session; the sign-in and setup pages, before any session exists, to the anonymous visitor.
 */
export function consoleCsrf(config: Pick<Config, 'PUBLIC_URL' | 'REFCHECK_LINK_SECRET'>) {
  const secure = new URL(config.PUBLIC_URL).protocol === 'https:';
  const { generateCsrfToken, validateRequest } = doubleCsrf({
    getSecret: () => derive(config, 'console-csrf/v1'),
    getSessionIdentifier: (req) => (req.session?.accountId ? req.sessionID : 'anonymous'),
    cookieName: secure ? '__Host-refcheck.console-csrf' : 'refcheck.console-csrf',
    cookieOptions: { sameSite: 'lax', secure, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: (req) => {
      const value: unknown = req.body?.[CONSOLE_CSRF_FIELD];
      return typeof value === 'string' ? value : undefined;
    },
  });
  const issue = (req: Request, res: Response) => generateCsrfToken(req, res, { overwrite: false, validateOnReuse: false });
  return { issue, validateRequest };
}
export type ConsoleCsrf = ReturnType<typeof consoleCsrf>;
