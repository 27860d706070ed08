import type { Request, Response } from 'express';
import { linksRevokedBefore } from '../db/link-revocations';
import type { Db } from '../db/pool';
import type { LinkClaims, LinkPurpose, LinkSigner } from '../links';
import type { Logger } from '../logger';
import { renderHtml } from '../views';

/** Shared by the pages behind signed links (report, hire answer, candidate, referee). */
export const fmt = (d: Date) => d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** A page with one message; personal pages are never cached (a shared computer, a proxy). */
export function message(res: Response, status: number, title: string, text: string, tone = 'warn') {
  res.status(status).set('cache-control', 'no-store').send(renderHtml('pages/message.eta', { title, message: text, tone }));
}

/**
 * The claims of a valid link, or undefined once a page saying what is wrong has been sent.
 * A link the hiring team renewed or whose check they cancelled is refused like an expired one (410).
 */
export async function verifyLink(deps: { links: LinkSigner; logger: Logger; db: Db }, token: string, purpose: LinkPurpose, res: Response): Promise<LinkClaims | undefined> {
  const check = deps.links.verify(token, purpose);
  const revokedBefore = check.ok ? await linksRevokedBefore(deps.db, purpose, check.claims.sub) : undefined;
  if (check.ok && !(revokedBefore && check.claims.iat < revokedBefore.getTime())) return check.claims;
  const reason = check.ok ? 'revoked' : check.reason;
  if (reason === 'expired') message(res, 410, 'This link has expired', 'Ask the hiring team for a new one.');
  else if (reason === 'revoked') message(res, 410, 'This link no longer works', 'The hiring team replaced it or closed what it was for. If you still need it, ask them for a new one.');
  else message(res, 404, 'This link is not valid', 'It may have been copied incompletely. Open it again from the original mail or from Lever.');
  deps.logger.warn({ purpose, reason }, 'rejected link');
  return undefined;
}

/** Where a form came from, kept for integrity checks; the user agent is capped (it is free text). */
export const submittedFrom = (req: Request) => ({ ip: req.ip ?? null, userAgent: req.get('user-agent')?.slice(0, 500) ?? null });
