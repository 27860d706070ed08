import { cliConfig } from './config';
import { setupLinkIfNeeded } from '../console/account-links';
import { migrate } from '../db/migrate';
import { createDb } from '../db/pool';

/**
 * `npm run console:setup-link`: a one-time link (valid 24 hours) to make the console's first
 * admin. Once an admin exists it makes none: admins invite everyone else from the Team page.
 */
async function main() {
  const config = cliConfig();
  const db = createDb(config.DATABASE_URL, 1);
  try {
    await migrate(db);
    const link = await setupLinkIfNeeded(db, config.PUBLIC_URL);
    if (link) process.stdout.write(`Open this link to make the first admin (it works once, for 24 hours):\n\n  ${link}\n`);
    else process.stdout.write(`The console already has an admin: sign in at ${config.PUBLIC_URL.replace(/\/$/, '')}/console/login, and invite others from its Team page.\n`);
  } finally {
    await db.close();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`refcheck: ${err.message}\n`);
  process.exit(1);
});
