import { Pool, type PoolClient, type QueryResultRow } from 'pg';

/** The only module (with its siblings in src/db) that talks to Postgres. */
export type Db = {
  pool: Pool;
  query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  withTransaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

export function createDb(connectionString: string, max = 10): Db {
  const pool = new Pool({ connectionString, max, connectionTimeoutMillis: 5_000 });
  // An idle client's error (e.g. Postgres restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return {
    pool,
    async query<R extends QueryResultRow>(text: string, values: unknown[] = []) {
      return (await pool.query<R>(text, values)).rows;
    },
    async withTransaction<T>(fn: (client: PoolClient) => Promise<T>) {
      const client = await pool.connect();
      // Postgres going away while the transaction waits between queries emits 'error' on the client,
      // which the pool listens for only on idle clients: unheard, it would crash the process.
      const onError = () => undefined;
      client.on('error', onError);
      try {
        await client.query('begin');
        const result = await fn(client);
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        client.off('error', onError);
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
