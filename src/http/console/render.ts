import type { Request, Response, NextFunction, RequestHandler } from 'express';
import type { Account } from '../../db/accounts';
import { renderHtml } from '../../views';

/** What every console page knows: who is signed in, the form token, the section for the nav. */
export type ConsoleLocals = { account?: Account; csrf: string; flash?: string };

export const signedIn = (res: Response): Account => {
  const account = (res.locals as ConsoleLocals).account;
  if (!account) throw new Error('console route reached without an account');
  return account;
};

/** Renders a console page; personal and secret-bearing pages are never cached. */
export function page(res: Response, view: string, data: Record<string, unknown>, status = 200) {
  const locals = res.locals as ConsoleLocals;
  res.status(status).set('cache-control', 'no-store').send(renderHtml(`console/${view}.eta`, { account: locals.account, csrf: locals.csrf, flash: locals.flash, ...data }));
}

export function consoleMessage(res: Response, status: number, title: string, message: string, opts: { tone?: string; back?: string } = {}) {
  page(res, 'message', { title, message, tone: opts.tone ?? 'warn', back: opts.back }, status);
}

/** Sets a one-line message the next page shows, then redirects (POST → redirect → GET). */
export function redirectWith(req: Request, res: Response, to: string, flash?: string) {
  if (flash) req.session.flash = flash;
  res.redirect(303, to);
}

/** Express 5 passes rejected promises on; this only narrows the handler's types. */
export const route = (fn: (req: Request, res: Response, next: NextFunction) => Promise<unknown> | unknown): RequestHandler => (req, res, next) => {
  Promise.resolve(fn(req, res, next)).catch(next);
};
