import { recordDeliveries, type Delivery } from '../db/deliveries';
import type { Db } from '../db/pool';
import type { Logger } from '../logger';

/** More than this many waiting rows (Postgres down for long) are dropped, oldest first, rather than held without bound. */
const MAX_WAITING = 10_000;

/**
 * The ingress's record of trusted deliveries (webhook_deliveries), written after Lever has its
 * answer: whatever arrived meanwhile goes in one insert, so a burst costs Postgres a few
 * statements rather than one per delivery. A crash loses only rows not yet written: the starts
 * and signals they describe are already held by Temporal, and the token check does not use this table.
 */
export class DeliveryLog {
  private waiting: Delivery[] = [];
  private writing: Promise<void> | undefined;

  constructor(private readonly db: Db, private readonly logger: Logger) {}

  add(delivery: Delivery): void {
    this.logger.info({ connectionId: delivery.connectionId, event: delivery.event, opportunityId: delivery.opportunityId, outcome: delivery.outcome, status: delivery.httpStatus }, 'lever webhook');
    if (this.waiting.length >= MAX_WAITING) this.waiting.shift();
    this.waiting.push(delivery);
    this.writing ??= this.writeAll();
  }

  private async writeAll(): Promise<void> {
    // After the current answers are on their way: let the event loop finish what it is doing first.
    await new Promise((r) => setImmediate(r));
    while (this.waiting.length) {
      const batch = this.waiting;
      this.waiting = [];
      try {
        await recordDeliveries(this.db, batch);
      } catch (err) {
        // Temporal already holds what mattered; a lost log row must not turn into a Lever retry.
        this.logger.error({ err: (err as Error).message, rows: batch.length }, 'could not record webhook deliveries');
      }
    }
    this.writing = undefined;
  }
}
