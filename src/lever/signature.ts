import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../secrets';

/**
 * Lever signs `token + String(triggeredAt)` (not the body) with the webhook's signing token,
 * HMAC-SHA256, lowercase hex, and sends the result in the body's `signature` field.
 */
export function leverSignature(signingToken: string, token: string, triggeredAt: number | string): string {
  return createHmac('sha256', signingToken).update(token + String(triggeredAt)).digest('hex');
}

/** Checks the signature fields of an untrusted body before anything else in it is looked at. */
export function verifyLeverSignature(signingToken: string, body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const { token, triggeredAt, signature } = body as Record<string, unknown>;
  if (typeof token !== 'string' || token.length === 0 || typeof signature !== 'string') return false;
  // Lever sends a number (lever-api.md); a string of the same digits is not Lever's, though it would sign the same.
  if (typeof triggeredAt !== 'number' || !Number.isSafeInteger(triggeredAt)) return false;
  return constantTimeEqual(signature, leverSignature(signingToken, token, triggeredAt));
}
