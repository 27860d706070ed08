/**
 * Lever reads that change rarely (a posting's title and tags, the account's archive reasons),
 * kept in the worker's memory for a short time. Concurrent readers of the same key share one read
 * in flight, so a burst of candidates on one posting reads that posting once per worker, not once
 * per candidate. A failed read is not kept: the next reader asks Lever again.
 */
export class ReadCache<T> {
  private readonly entries = new Map<string, { value: Promise<T>; expiresAt: number }>();

  constructor(private readonly ttlMs: number, private readonly now: () => number = Date.now) {}

  read(key: string, fetch: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > this.now()) return hit.value;
    this.dropExpired();
    const value = fetch();
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    value.catch(() => this.forget(key, value));
    return value;
  }

  /** Whether `key` has a value (or a read in flight) not yet expired. */
  holds(key: string): boolean {
    const hit = this.entries.get(key);
    return hit !== undefined && hit.expiresAt > this.now();
  }

  /** Drops the key (only if it still holds `value`, when given): the next reader asks Lever. */
  forget(key: string, value?: Promise<T>): void {
    if (!value || this.entries.get(key)?.value === value) this.entries.delete(key);
  }

  // Bounded by what one TTL can hold: a long-running worker does not keep every posting it ever read.
  private dropExpired(): void {
    if (this.entries.size < 1_000) return;
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
