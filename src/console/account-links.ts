import { randomBytes } from 'node:crypto';
import { countAccounts, insertAccountLink } from '../db/accounts';
import type { Db } from '../db/pool';
import { sha256 } from '../secrets';

/**
 * One-time links for the console: the first admin's setup link and invitations. The token is
 * random (192 bits) and only its hash is stored, so a database dump opens no account.
 */
export const SETUP_LINK_TTL_MS = 24 * 60 * 60 * 1000;
export const INVITE_LINK_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export const linkTokenHash = (token: string) => sha256(`refcheck/account-link/${token}`);

async function makeLink(db: Db, purpose: 'setup' | 'invite', accountId: string | null, ttlMs: number): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  await insertAccountLink(db, { tokenHash: linkTokenHash(token), purpose, accountId, expiresAt: new Date(Date.now() + ttlMs) });
  return token;
}

/** The setup link while no account exists yet; undefined once the console has its first admin. */
export async function setupLinkIfNeeded(db: Db, publicUrl: string): Promise<string | undefined> {
  if ((await countAccounts(db)) > 0) return undefined;
  return `${publicUrl.replace(/\/$/, '')}/console/setup/${await makeLink(db, 'setup', null, SETUP_LINK_TTL_MS)}`;
}

export async function invitationLink(db: Db, publicUrl: string, accountId: string): Promise<string> {
  return `${publicUrl.replace(/\/$/, '')}/console/invite/${await makeLink(db, 'invite', accountId, INVITE_LINK_TTL_MS)}`;
}
