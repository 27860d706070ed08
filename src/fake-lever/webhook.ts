import { createHmac, randomBytes } from 'node:crypto';

export type LeverWebhookBody<T extends object = object> = { triggeredAt: number; event: string; token: string; signature: string; data: T };

/**
 * The body Lever would POST for `event` (lever-api.md section 1). The signature is computed here
 * with node:crypto rather than with refcheck's own `leverSignature`, so tests that verify these
 * bodies cross-check two independent implementations of the scheme.
 */
export function signWebhook<T extends object>(
  event: string,
  data: T,
  signingToken: string,
  overrides: { triggeredAt?: number; token?: string } = {},
): LeverWebhookBody<T> {
  const triggeredAt = overrides.triggeredAt ?? Date.now();
  const token = overrides.token ?? randomBytes(24).toString('hex');
  const signature = createHmac('sha256', signingToken).update(token + String(triggeredAt)).digest('hex');
  return { triggeredAt, event, token, signature, data };
}
