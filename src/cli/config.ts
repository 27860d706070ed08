import { loadConfig, loadLocalEnv, type Config } from '../config';
import { localConfig } from '../dev/stack';
import { exitOnBadConfig } from '../process';

/**
 * The configuration a command-line tool runs with: a deployment's own (DATABASE_URL set), or else
 * the local stack's (`npm start`: its database, its secrets), so every CLI works after `npm start`
 * with no variables set by hand.
 */
export function cliConfig(): Config {
  return exitOnBadConfig(() => (loadLocalEnv().DATABASE_URL ? loadConfig() : localConfig()));
}
