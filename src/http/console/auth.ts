import { randomBytes } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import {
  acceptInvitation, clearLoginFailures, completeSetup, countAccounts, findAccount, findAccountByEmail, findAccountLink,
  recentLoginFailures, recordLoginFailure, touchLogin,
} from '../../db/accounts';
import { linkTokenHash } from '../../console/account-links';
import { hashPassword, passwordMatches, passwordProblem } from '../../console/passwords';
import { sha256 } from '../../secrets';
import type { AppDeps } from '../app';
import { fieldErrors, formStrings, text } from './forms';
import { consoleMessage, page, redirectWith, route } from './render';

/** Sign-in throttling: per address and per client IP, over a 15-minute window, shared by every api process. */
const WINDOW_SECONDS = 15 * 60;
const MAX_FAILURES_PER_EMAIL = 5;
const MAX_FAILURES_PER_IP = 30;
const WRONG = 'Wrong email or password.';

const SignIn = z.object({ email: text(320), password: z.string().max(1000).default('') });
const Setup = z.object({
  organisation: text(200).pipe(z.string().min(1, 'Name your organisation.')),
  name: text(200).pipe(z.string().min(1, 'Enter your name.')),
  email: text(320).pipe(z.email('Enter an email address.')),
  password: z.string().max(1000).default('').superRefine(passwordRule),
  confirm: z.string().max(1000).default(''),
}).refine((f) => f.password === f.confirm, { message: 'The two passwords differ.', path: ['confirm'] });
const SetPassword = z.object({
  password: z.string().max(1000).default('').superRefine(passwordRule),
  confirm: z.string().max(1000).default(''),
}).refine((f) => f.password === f.confirm, { message: 'The two passwords differ.', path: ['confirm'] });

function passwordRule(p: string, ctx: z.RefinementCtx) {
  const problem = passwordProblem(p);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
}

/** Sign in and out, the first admin's setup link, and invitations. The only console pages open without a session. */
export function authRoutes(router: Router, deps: AppDeps) {
  router.get('/console', (_req, res) => res.redirect(303, res.locals.account ? '/console/checks' : '/console/login'));

  router.get('/console/login', route(async (req, res) => {
    if (res.locals.account) return res.redirect(303, '/console/checks');
    const noAccounts = (await countAccounts(deps.db)) === 0;
    page(res, 'login', { title: 'Sign in', values: {}, errors: {}, problems: [], noAccounts, next: safeNext(req.query.next) });
  }));

  router.post('/console/login', route(async (req, res) => {
    const form = SignIn.safeParse(req.body);
    const email = form.success ? form.data.email.toLowerCase() : '';
    const password = form.success ? form.data.password : '';
    const next = safeNext(req.body?.next);
    const emailKey = sha256(`login/${email}`);
    const ip = req.ip ?? 'unknown';
    const again = (status: number, problem: string) => page(res, 'login', { title: 'Sign in', values: { email }, errors: {}, problems: [problem], noAccounts: false, next }, status);

    const recent = await recentLoginFailures(deps.db, emailKey, ip, WINDOW_SECONDS);
    if (recent.forEmail >= MAX_FAILURES_PER_EMAIL || recent.forIp >= MAX_FAILURES_PER_IP) {
      deps.logger.warn({ ip }, 'console sign-in throttled');
      return again(429, 'Too many attempts. Wait 15 minutes and try again, or ask an admin to invite you again.');
    }
    const account = email ? await findAccountByEmail(deps.db, email) : undefined;
    if (!(await passwordMatches(password, account?.passwordHash))) {
      await recordLoginFailure(deps.db, emailKey, ip);
      deps.logger.warn({ ip }, 'console sign-in failed');
      return again(401, WRONG);
    }
    await clearLoginFailures(deps.db, emailKey);
    await startSession(req, account!.id);
    await touchLogin(deps.db, account!.id);
    res.redirect(303, next);
  }));

  router.post('/console/logout', route(async (req, res) => {
    await new Promise((r) => req.session.destroy(r));
    res.redirect(303, '/console/login');
  }));

  /* ---- the first admin: a one-time link printed by `npm start` (or `npm run console:setup-link`) ---- */

  router.get('/console/setup/:token', route(async (req, res) => {
    if (!(await usableLink(req, res, 'setup'))) return;
    page(res, 'setup', { title: 'Set up refcheck', values: {}, errors: {}, problems: [] });
  }));

  router.post('/console/setup/:token', route(async (req, res) => {
    if (!(await usableLink(req, res, 'setup'))) return;
    const form = Setup.safeParse(req.body);
    const values = formStrings(req.body, ['organisation', 'name', 'email'], 400);
    if (!form.success) return page(res, 'setup', { title: 'Set up refcheck', values, errors: fieldErrors(form.error), problems: [] }, 422);
    const accountId = `a_${randomBytes(8).toString('hex')}`;
    const result = await completeSetup(deps.db, linkTokenHash(String(req.params.token)), {
      organisationId: `o_${randomBytes(8).toString('hex')}`, organisationName: form.data.organisation, accountId,
      email: form.data.email, name: form.data.name, passwordHash: await hashPassword(form.data.password),
    });
    if (result !== 'done') return consoleMessage(res, 410, 'This setup link has been used', 'refcheck already has an admin. Sign in instead.', { back: '/console/login' });
    await startSession(req, accountId);
    redirectWith(req, res, '/console/connections', 'Welcome. Next: connect your Lever account.');
  }));

  /* ---- invitations made on the team page ---- */

  router.get('/console/invite/:token', route(async (req, res) => {
    const link = await usableLink(req, res, 'invite');
    if (!link) return;
    const account = link.accountId ? await findAccount(deps.db, link.accountId) : undefined;
    if (!account) return consoleMessage(res, 404, 'This invitation is no longer valid', 'Ask an admin of your organisation to invite you again.');
    page(res, 'invite', { title: 'Choose a password', invited: account, errors: {}, problems: [] });
  }));

  router.post('/console/invite/:token', route(async (req, res) => {
    const link = await usableLink(req, res, 'invite');
    if (!link) return;
    const account = link.accountId ? await findAccount(deps.db, link.accountId) : undefined;
    if (!account) return consoleMessage(res, 404, 'This invitation is no longer valid', 'Ask an admin of your organisation to invite you again.');
    const form = SetPassword.safeParse(req.body);
    if (!form.success) return page(res, 'invite', { title: 'Choose a password', invited: account, errors: fieldErrors(form.error), problems: [] }, 422);
    const accountId = await acceptInvitation(deps.db, linkTokenHash(String(req.params.token)), await hashPassword(form.data.password));
    if (!accountId) return consoleMessage(res, 410, 'This invitation has been used', 'Sign in with the password you chose.', { back: '/console/login' });
    await startSession(req, accountId);
    redirectWith(req, res, '/console/checks', `Welcome, ${account.name}.`);
  }));

  async function usableLink(req: Request, res: Response, purpose: 'setup' | 'invite') {
    const link = await findAccountLink(deps.db, linkTokenHash(String(req.params.token)));
    if (!link || link.purpose !== purpose) {
      deps.logger.warn({ purpose }, 'unknown console link');
      consoleMessage(res, 404, 'This link is not valid', 'It may have been copied incompletely.');
      return undefined;
    }
    if (link.usedAt) {
      consoleMessage(res, 410, 'This link has been used', 'Each link works once. Sign in instead.', { back: '/console/login' });
      return undefined;
    }
    if (link.expiresAt <= new Date()) {
      consoleMessage(res, 410, 'This link has expired', purpose === 'setup' ? 'Make a new one with `npm run console:setup-link`.' : 'Ask an admin to invite you again.');
      return undefined;
    }
    return link;
  }
}

/** A new session id at sign-in, so a session id planted before it (fixation) is worthless. */
async function startSession(req: Request, accountId: string) {
  await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
  req.session.accountId = accountId;
  await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
}

/**
 * Only a console path: an absolute or protocol-relative `next` would make sign-in an open
 * redirect. Browsers read `\` as `/` and resolve `..`, so neither may appear at all.
 */
function safeNext(value: unknown): string {
  const ok = typeof value === 'string' && /^\/console(\/[^/]|$|\?)/.test(value) && !/\/\/|\\|\.\./.test(value);
  return ok ? value : '/console/checks';
}

