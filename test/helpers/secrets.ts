import { randomBytes } from 'node:crypto';

/** Secrets as an operator makes them (openssl rand): what loadConfig accepts. Fresh on each call. */
export const strongSecrets = () => ({
  REFCHECK_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  REFCHECK_LINK_SECRET: randomBytes(32).toString('base64'),
  REFCHECK_ADMIN_TOKEN: randomBytes(24).toString('hex'),
  TEMPORAL_PAYLOAD_KEYS: `k1:${randomBytes(32).toString('base64')}`,
});
