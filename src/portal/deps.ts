import type { Db } from '../db/pool';
import type { Logger } from '../logger';
import type { ReferenceChecks } from '../reference-checks';

/** What the portal's use cases need (the api's AppDeps has all of it). */
export type PortalDeps = { db: Db; checks: ReferenceChecks; logger: Logger };
/** Who submitted a form, kept for integrity checks (a candidate answering as their own referee). */
export type From = { ip: string | null; userAgent: string | null };

type Tx = Parameters<Parameters<Db['withTransaction']>[0]>[0];

/**
 * The Db interface over one open transaction, so src/db functions that take a Db (recordEvent,
 * recordAnswer) join it instead of committing on their own.
 */
export function inTransaction(db: Db, tx: Tx): Db {
  return {
    pool: db.pool,
    query: async (text, values = []) => (await tx.query(text, values)).rows,
    withTransaction: (fn) => fn(tx),
    close: async () => undefined,
  };
}

/** Temporal did not answer: the caller's transaction must roll back and the person try again. */
export class TemporalUnavailable extends Error {
  constructor(cause: unknown) {
    super('Temporal is unreachable', { cause });
    this.name = 'TemporalUnavailable';
  }
}

export async function signalOrUnavailable<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    throw new TemporalUnavailable(err);
  }
}

/** Postgres refused a duplicate (a double-click racing itself past the checks). */
export const isUniqueViolation = (err: unknown) => (err as { code?: string } | null)?.code === '23505';
