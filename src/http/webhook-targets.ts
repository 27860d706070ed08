import { findWebhookTargets, onConnectionChanged, webhookTargetFor, type WebhookTarget, type WebhookTargets } from '../db/connections';
import type { Db } from '../db/pool';
import type { SecretBox } from '../secrets';

/**
 * How long this process trusts what it read of a connection. A change made in this process (the
 * console) is seen at once (connectionChanged); one made elsewhere (the CLI, another api process)
 * within this long. Ten seconds: an admin switching a trigger stage or rotating a token waits
 * that long at most, and Lever retries anything refused meanwhile.
 */
export const TARGET_TTL_MS = 10_000;
/** Unknown connections too, briefly: a stranger's posts to made-up ids cost no query each. */
export const UNKNOWN_TTL_MS = 5_000;
/** Bounds the memory a stranger's made-up ids can take; the oldest entries go first. */
const MAX_ENTRIES = 10_000;

type Entry = { expiresAt: number; targets: Promise<WebhookTargets | undefined> };

/**
 * The ingress's webhook targets (settings and opened signing tokens), per connection, in process.
 * Concurrent deliveries for a connection not yet read share one query; a failed read is not kept.
 */
export class WebhookTargetCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly db: Db, private readonly box: SecretBox, private readonly now: () => number = Date.now) {
    onConnectionChanged((connectionId) => this.entries.delete(connectionId));
  }

  async find(connectionId: string, event: string): Promise<WebhookTarget | undefined> {
    const targets = await this.read(connectionId);
    return targets && webhookTargetFor(targets, event);
  }

  private read(connectionId: string): Promise<WebhookTargets | undefined> {
    const cached = this.entries.get(connectionId);
    if (cached && cached.expiresAt > this.now()) return cached.targets;
    this.entries.delete(connectionId);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    const entry: Entry = { expiresAt: this.now() + TARGET_TTL_MS, targets: findWebhookTargets(this.db, this.box, connectionId) };
    this.entries.set(connectionId, entry);
    entry.targets.then(
      (found) => {
        if (!found) entry.expiresAt = Math.min(entry.expiresAt, this.now() + UNKNOWN_TTL_MS);
      },
      () => {
        if (this.entries.get(connectionId) === entry) this.entries.delete(connectionId);
      },
    );
    return entry.targets;
  }
}
