/**
 * Lever's documented limit: a token bucket per API key, `ratePerSecond` steady, bursts to `burst`.
 * Tokens refill continuously (not once a second), so a client pacing itself at the steady rate
 * never sees a 429, and one that bursts sees exactly `burst` successes before the first 429.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly ratePerSecond: number, private readonly burst: number, private readonly now: () => number = () => performance.now()) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new Error('ratePerSecond must be > 0 and burst >= 1');
  }

  /** Takes one token for `key`; false means the request is over the limit. */
  take(key: string): boolean {
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.ratePerSecond);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Every key starts again with a full bucket. */
  reset(): void {
    this.buckets.clear();
  }
}
