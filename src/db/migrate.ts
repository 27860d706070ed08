import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './pool';

/**
 * Numbered .sql files applied in order, each in its own transaction, recorded in schema_migrations.
 * A session-level advisory lock makes concurrent starts (several api/worker copies) safe.
 * Twenty lines of plain SQL handling beat a migration framework's CLI and config for a schema this size.
 */
const MIGRATIONS_DIR = join(__dirname, 'migrations');
const LOCK_ID = 7_421_001;

export async function migrate(db: Db): Promise<string[]> {
  const client = await db.pool.connect();
  const applied: string[] = [];
  try {
    await client.query('select pg_advisory_lock($1)', [LOCK_ID]);
    await client.query('create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())');
    const done = new Set((await client.query<{ name: string }>('select name from schema_migrations')).rows.map((r) => r.name));
    for (const name of readdirSync(MIGRATIONS_DIR).filter((f) => /^\d+_.*\.sql$/.test(f)).sort()) {
      if (done.has(name)) continue;
      await client.query('begin');
      try {
        await client.query(readFileSync(join(MIGRATIONS_DIR, name), 'utf8'));
        await client.query('insert into schema_migrations (name) values ($1)', [name]);
        await client.query('commit');
        applied.push(name);
      } catch (err) {
        await client.query('rollback');
        throw new Error(`migration ${name} failed: ${(err as Error).message}`, { cause: err });
      }
    }
  } finally {
    await client.query('select pg_advisory_unlock($1)', [LOCK_ID]).catch(() => undefined);
    client.release();
  }
  return applied;
}

