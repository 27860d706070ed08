import type { Logger } from '../logger';

/**
 * Deliveries refused before they could be trusted, by reason. They are counted in this process,
 * not stored: each is a request anyone can make, and a row per request (even in a capped table)
 * is a write a stranger controls, which is what finding 9 was about. A count says what an operator
 * needs ("someone is posting junk", "a webhook's token is wrong"); the log says which connection
 * when it is a real one, and the api's /metrics can read refusedWebhookCounts().
 */
export const REFUSAL_REASONS = [
  'no-such-url', // a connection id or event that cannot exist (shape, length, NUL bytes)
  'unknown-connection', // a well-formed id no connection has
  'unreadable', // not JSON, too large, an unsupported charset
  'unverified', // no signing token configured, or the signature does not match
  'malformed-envelope', // signed, but triggeredAt is not a plausible epoch-ms time
  'stale', // triggeredAt outside the accepted window
  'replayed', // a known delivery token with another body
  'rate-limited',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

const counts = new Map<RefusalReason, number>(REFUSAL_REASONS.map((r) => [r, 0]));
const SUMMARY_EVERY_MS = 60_000;
let lastSummaryAt = 0;

/** One more refusal; at most once a minute, the counts so far go to the log (one line, however many requests). */
export function countRefusal(reason: RefusalReason, logger: Logger): void {
  counts.set(reason, (counts.get(reason) ?? 0) + 1);
  const now = Date.now();
  if (now - lastSummaryAt < SUMMARY_EVERY_MS) return;
  lastSummaryAt = now;
  logger.info({ refusedSinceStart: refusedWebhookCounts() }, 'lever webhooks refused');
}

/** Refusals by reason since this process started. */
export function refusedWebhookCounts(): Record<RefusalReason, number> {
  return Object.fromEntries(counts) as Record<RefusalReason, number>;
}
