import { createHmac } from 'node:crypto';
import type { RequestHandler, Request, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import type { Config } from '../config';
import { message } from './page-helpers';

export const CSRF_FIELD = '_csrf';

/**
 * Double-submit CSRF tokens for the portal's forms (csrf-csrf). A token is bound to the link
 * token in the URL (the session identifier), so it acts for one candidate or one referee only.
 * Needs cookie-parser and the urlencoded body parser before it. Cookie: `__Host-` (secure, path /,
 * no domain) when the site is served over https; tests and local runs are plain http.
 */
export function portalCsrf(config: Pick<Config, 'PUBLIC_URL' | 'REFCHECK_LINK_SECRET'>) {
  const secure = new URL(config.PUBLIC_URL).protocol === 'https:';
  // Its own key, derived from the link secret: a CSRF token must never double as a link signature.
  const secret = createHmac('sha256', config.REFCHECK_LINK_SECRET).update('refcheck/portal-csrf/v1').digest('hex');
  const { generateCsrfToken, validateRequest } = doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: (req) => String(req.params.token ?? ''),
    cookieName: secure ? '__Host-refcheck.csrf' : 'refcheck.csrf',
    cookieOptions: { sameSite: 'lax', secure, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: (req) => {
      const value: unknown = req.body?.[CSRF_FIELD];
      return typeof value === 'string' ? value : undefined;
    },
  });

  /** The token for the page's hidden `_csrf` fields (sets or refreshes the cookie). */
  const issue = (req: Request, res: Response) => generateCsrfToken(req, res);
  /** Route middleware for POSTs: refuses with a page, before anything is read or stored. */
  const verified: RequestHandler = (req, res, next) => {
    if (validateRequest(req)) return next();
    message(res, 403, 'This form expired', 'Reload the page and send the form again.');
  };
  return { issue, verified };
}
export type PortalCsrf = ReturnType<typeof portalCsrf>;
