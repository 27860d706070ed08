import express, { type ErrorRequestHandler } from 'express';
import cookieParser from 'cookie-parser';
import type { AppDeps } from './app';
import { FORM_BYTE_LIMIT } from '../portal/answer-form';
import { message } from './page-helpers';
import { candidateRoutes } from './portal-candidate';
import { portalCsrf } from './portal-csrf';
import { refereeRoutes } from './portal-referee';

/**
 * The reference portal: the candidate's page (name referees, follow them, replace a silent one)
 * and each referee's page (answer or decline). Plain HTML forms, no script: they work on any
 * phone and under the CSP. Links are signed per person; every page loads by the link's subject
 * only, so one link never shows or changes another request's or referee's data.
 */
export function portalRouter(deps: AppDeps) {
  const router = express.Router();
  const csrf = portalCsrf(deps.config);
  // Flat field names (r0_name, q_overall): the non-extended parser cannot build nested objects.
  router.use(['/candidate', '/referee'], cookieParser(), express.urlencoded({ extended: false, limit: FORM_BYTE_LIMIT }));
  candidateRoutes(router, deps, csrf);
  refereeRoutes(router, deps, csrf);
  // The address bar after a 422 shows a form's POST URL; opening it again (GET) is the page itself.
  // Answered here so it is never a 404 whose log line would carry the link.
  router.get(['/candidate/:token/*rest', '/referee/:token/*rest'], (req, res) => {
    res.redirect(303, `/${req.path.split('/')[1]}/${encodeURIComponent(String(req.params.token))}`);
  });
  router.use(['/candidate/:token', '/referee/:token'], (_req, res) => message(res, 404, 'Page not found', 'Open your link again from the original mail.'));
  router.use(pageErrors(deps));
  return router;
}

/** People get a page, not JSON: an oversized form, or anything unexpected (logged without personal data). */
function pageErrors(deps: AppDeps): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    if ((err as { type?: string })?.type === 'entity.too.large') return message(res, 413, 'This form is too long', 'Shorten your answers and send it again.');
    deps.logger.error({ err: { name: err?.name, message: err?.message }, path: req.route?.path ?? 'portal' }, 'portal page failed');
    message(res, 500, 'Something went wrong', 'Please try again in a minute.');
  };
}
