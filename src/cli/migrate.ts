import { loadConfig } from '../config';
import { migrate } from '../db/migrate';
import { createDb } from '../db/pool';
import { exitOnBadConfig } from '../process';

/** `npm run migrate` (node dist/src/cli/migrate.js): applies pending migrations and says which. */
const db = createDb(exitOnBadConfig(loadConfig).DATABASE_URL, 1);
migrate(db)
  .then((applied) => process.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'schema is up to date\n'))
  .catch((err: Error) => {
    process.stderr.write(`migration failed: ${err.message}\n`);
    process.exitCode = 1;
  })
  .finally(() => db.close());
