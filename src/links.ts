import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { constantTimeEqual } from './secrets';

/**
 * Signed, purpose-scoped, expiring tokens for links in mails and in Lever.
 * Form: base64url(JSON claims) + "." + base64url(HMAC-SHA256). Small and dependency-free;
 * single use, where a purpose needs it, is enforced by the caller against the database (jti).
 * Revocation (a renewed report link, a cancelled check) is by subject and signing time (`iat`),
 * checked against src/db/link-revocations.ts by the pages (http/page-helpers.ts verifyLink).
 */
export const LinkPurpose = z.enum(['report', 'candidate', 'hire-answer', 'referee', 'prospect-withdraw']);
export type LinkPurpose = z.infer<typeof LinkPurpose>;

const Claims = z.object({
  p: LinkPurpose,
  /** subject: the workflow id or request id the link acts on */
  sub: z.string().min(1),
  exp: z.number().int(),
  /** when it was signed (ms): a revocation stops the links of a subject signed before a moment */
  iat: z.number().int(),
  jti: z.string().min(8),
  /** optional purpose-specific value, e.g. the owner's answer */
  v: z.string().optional(),
});
export type LinkClaims = z.infer<typeof Claims>;

export type LinkCheck =
  | { ok: true; claims: LinkClaims }
  | { ok: false; reason: 'malformed' | 'bad-signature' | 'wrong-purpose' | 'expired' | 'revoked' };

export class LinkSigner {
  constructor(private readonly secret: string, private readonly now: () => number = Date.now) {}

  sign(purpose: LinkPurpose, subject: string, ttlMs: number, value?: string): string {
    const now = this.now();
    const claims: LinkClaims = { p: purpose, sub: subject, exp: now + ttlMs, iat: now, jti: randomBytes(9).toString('base64url'), v: value };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  verify(token: string, purpose: LinkPurpose): LinkCheck {
    const [body, mac, extra] = token.split('.');
    if (!body || !mac || extra !== undefined) return { ok: false, reason: 'malformed' };
    if (!constantTimeEqual(mac, this.mac(body))) return { ok: false, reason: 'bad-signature' };
    let claims: LinkClaims;
    try {
      claims = Claims.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (claims.p !== purpose) return { ok: false, reason: 'wrong-purpose' };
    if (claims.exp < this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, claims };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
