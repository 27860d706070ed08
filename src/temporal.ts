import { Client, Connection } from '@temporalio/client';

/**
 * A lazy connection: the api starts (and answers 503) while Temporal is still down,
 * and reconnects by itself when Temporal comes back.
 */
export function createTemporalClient(address: string, namespace: string): { client: Client; connection: Connection } {
  const connection = Connection.lazy({ address });
  return { client: new Client({ connection, namespace }), connection };
}

/** Calls to Temporal from a request handler give up after this, so Lever gets its 503 quickly. */
export const TEMPORAL_CALL_DEADLINE_MS = 5_000;
