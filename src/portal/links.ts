import type { LinkSigner } from '../links';

/**
 * The portal's URLs, built in one place: the mailing activities and the pages must agree on them.
 * The token is the only secret; whoever holds the link acts as that candidate or that referee.
 */
const base = (publicUrl: string) => publicUrl.replace(/\/+$/, '');

/** The candidate's page: names referees, then follows them (subject: the request id). */
export const candidateLink = (links: LinkSigner, publicUrl: string, requestId: string, ttlMs: number) =>
  `${base(publicUrl)}/candidate/${links.sign('candidate', requestId, ttlMs)}`;

/** One referee's page: the survey or a decline (subject: the referee id). */
export const refereeLink = (links: LinkSigner, publicUrl: string, refereeId: string, ttlMs: number) =>
  `${base(publicUrl)}/referee/${links.sign('referee', refereeId, ttlMs)}`;

/** How long a prospect's withdraw link works: as long as refcheck may keep them as a prospect. */
export const PROSPECT_WITHDRAW_TTL_MS = 365 * 86_400_000;

/** A prospect's "stop telling me about jobs" page, from their thank-you page and mail (subject: the referee id). */
export const prospectWithdrawLink = (links: LinkSigner, publicUrl: string, refereeId: string, ttlMs: number) =>
  `${base(publicUrl)}/referee/withdraw/${links.sign('prospect-withdraw', refereeId, ttlMs)}`;
