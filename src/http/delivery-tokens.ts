import type { Db } from '../db/pool';
import { rememberDeliveryTokens, tokenKey, verdictOf, type DeliveryToken, type TokenVerdict } from '../db/webhook-tokens';

type Waiting = { token: DeliveryToken; resolve: (verdict: TokenVerdict) => void; reject: (err: unknown) => void };

/**
 * The ingress's replay check, on the acknowledgement path of every delivery: deliveries that arrive
 * while a check is in flight (a bulk action in Lever sends dozens at once) share the next Postgres
 * statement, which goes as soon as that one is answered; a delivery alone waits for nothing. So a
 * burst costs Postgres a statement per round trip rather than one per delivery, and no delivery
 * queues for a pool connection behind the others.
 * A token repeated within a batch is sent once; every copy is judged against the row it got back,
 * and only the copy whose insert made the row is `first`.
 */
export class DeliveryTokens {
  private waiting: Waiting[] = [];
  private inFlight = false;

  constructor(private readonly db: Db) {}

  remember(token: DeliveryToken): Promise<TokenVerdict> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ token, resolve, reject });
      if (!this.inFlight) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.inFlight = true;
    while (this.waiting.length) {
      const batch = this.waiting;
      this.waiting = [];
      const index = new Map<string, number>();
      const unique: DeliveryToken[] = [];
      for (const { token } of batch) {
        const key = tokenKey(token.connectionId, token.tokenSha256);
        if (!index.has(key)) index.set(key, unique.push(token) - 1);
      }
      try {
        const rows = await rememberDeliveryTokens(this.db, unique);
        for (const w of batch) {
          const i = index.get(tokenKey(w.token.connectionId, w.token.tokenSha256))!;
          w.resolve(verdictOf(w.token, rows[i], unique[i] === w.token));
        }
      } catch (err) {
        // Postgres down: exactly this batch's deliveries fail (503, and Lever retries them).
        for (const w of batch) w.reject(err);
      }
    }
    this.inFlight = false;
  }
}
