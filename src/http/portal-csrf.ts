import { createHash, createHmac } from 'node:crypto';
import type { RequestHandler, Request, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import type { Config } from '../config';
import { message } from './page-helpers';

export const CSRF_FIELD = '_csrf';

/**
 * Double-submit CSRF tokens for the portal's forms (csrf-csrf). A token is bound to the link
 * token in the URL (the session identifier), so it acts for one candidate or one referee only.
 * Each link has a cookie of its own (named after a hash of the link token): two links open in one
 * browser (a referee for two candidates, a candidate's page beside a referee's) keep their forms
 * working, where one shared cookie let the second page's visit break the first page's form.
 * Needs cookie-parser and the urlencoded body parser before it. Cookie: `__Host-` (secure, path /,
 * no domain) when the site is served over https; tests and local runs are plain http.
 */
export function portalCsrf(config: Pick<Config, 'PUBLIC_URL' | 'REFCHECK_LINK_SECRET'>) {
  const secure = new URL(config.PUBLIC_URL).protocol === 'https:';
  // Its own key, derived from the link secret: a CSRF token must never double as a link signature.
  const secret = createHmac('sha256', config.REFCHECK_LINK_SECRET).update('refcheck/portal-csrf/v1').digest('hex');
  const options = {
    getSecret: () => secret,
    getSessionIdentifier: (req: Request) => String(req.params.token ?? ''),
    cookieOptions: { sameSite: 'lax', secure, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: (req: Request) => {
      const value: unknown = req.body?.[CSRF_FIELD];
      return typeof value === 'string' ? value : undefined;
    },
  } as const;
  // csrf-csrf takes one cookie name per instance; an instance is a few closures, made per request.
  const forLink = (req: Request) => doubleCsrf({ ...options, cookieName: `${secure ? '__Host-' : ''}refcheck.csrf.${linkCookieId(req)}` });

  /** The token for the page's hidden `_csrf` fields (sets or refreshes the cookie). */
  const issue = (req: Request, res: Response) => forLink(req).generateCsrfToken(req, res);
  /** Route middleware for POSTs: refuses with a page, before anything is read or stored. */
  const verified: RequestHandler = (req, res, next) => {
    if (forLink(req).validateRequest(req)) return next();
    message(res, 403, 'This form expired', 'Reload the page and send the form again.');
  };
  return { issue, verified };
}
export type PortalCsrf = ReturnType<typeof portalCsrf>;

/** A short, non-reversible id of the link in the URL: cookie names are not secret, the link is. */
const linkCookieId = (req: Request) => createHash('sha256').update(String(req.params.token ?? '')).digest('base64url').slice(0, 16);
