import { join } from 'node:path';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import cookieParser from 'cookie-parser';
import { findAccount } from '../../db/accounts';
import type { AppDeps } from '../app';
import { authRoutes } from './auth';
import { checksRoutes } from './checks';
import { connectionsRoutes } from './connections';
import { consoleMessage, type ConsoleLocals } from './render';
import { consoleCsrf, consoleSession } from './session';
import { teamRoutes } from './team';
import { templatesRoutes } from './templates';
import { prospectsRoutes } from './prospects';

/**
 * The console under /console: server-rendered pages for the organisation's admins and recruiters.
 * Every request loads its account from the session; every POST carries a CSRF token; admin-only
 * pages refuse recruiters; every lookup is scoped to the account's organisation, so another
 * organisation's ids lead to "not found", never to its data.
 */
export function consoleRouter(deps: AppDeps) {
  const router = express.Router();
  const csrf = consoleCsrf(deps.config);
  router.use('/console/assets', express.static(join(__dirname, '..', '..', 'views', 'console', 'assets'), { maxAge: '1h', index: false }));
  router.use('/console', cookieParser(), express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 2000 }), consoleSession(deps.config, deps.db));
  router.use('/console', async (req, res, next) => {
    const locals = res.locals as ConsoleLocals;
    if (req.session.accountId) {
      locals.account = await findAccount(deps.db, req.session.accountId);
      // A deleted account's session ends at its next request.
      if (!locals.account) await new Promise((r) => req.session.destroy(r));
    }
    if (req.method === 'POST' && !csrf.validateRequest(req)) {
      locals.csrf = csrf.issue(req, res);
      return consoleMessage(res, 403, 'This form expired', 'Nothing was changed. Go back, reload the page and send the form again.');
    }
    locals.csrf = csrf.issue(req, res);
    if (req.session?.flash) {
      locals.flash = req.session.flash;
      delete req.session.flash;
    }
    next();
  });

  authRoutes(router, deps);
  router.use('/console', requireAccount);
  checksRoutes(router, deps);
  prospectsRoutes(router, deps);
  router.use(['/console/connections', '/console/templates', '/console/team'], requireAdmin);
  connectionsRoutes(router, deps);
  templatesRoutes(router, deps);
  teamRoutes(router, deps);
  router.use('/console', (_req, res) => consoleMessage(res, 404, 'Not found', 'There is nothing here, or it belongs to another organisation.', { back: '/console' }));
  router.use('/console', consoleErrors(deps));
  return router;
}

const requireAccount: RequestHandler = (req, res, next) => {
  if ((res.locals as ConsoleLocals).account) return next();
  if (req.method === 'GET') return res.redirect(303, `/console/login?next=${encodeURIComponent(req.originalUrl)}`);
  consoleMessage(res, 401, 'Please sign in', 'Your session has ended. Nothing was changed.', { back: '/console/login' });
};

const requireAdmin: RequestHandler = (_req, res, next) => {
  if ((res.locals as ConsoleLocals).account?.role === 'admin') return next();
  consoleMessage(res, 403, 'Admins only', 'Connections, templates and the team are managed by your organisation\'s admins.', { back: '/console/checks' });
};

function consoleErrors(deps: AppDeps): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const e = err as { type?: string; status?: number; name?: string; message?: string };
    if (e?.type === 'entity.too.large') return consoleMessage(res, 413, 'This form is too large', 'Nothing was changed. Shorten what you typed and send it again.');
    if (e?.type === 'parameters.too.many') return consoleMessage(res, 413, 'This form has too many fields', 'Nothing was changed.');
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return consoleMessage(res, e.status, 'That did not work', e.message ?? 'Bad request');
    deps.logger.error({ err: { name: e?.name, message: e?.message }, path: req.route?.path ?? 'console' }, 'console page failed');
    consoleMessage(res, 500, 'Something went wrong', 'Nothing may have been saved. Please try again in a minute.');
  };
}
