import { randomBytes } from 'node:crypto';

/** Secrets as an operator makes them (openssl rand): what loadConfig accepts. Fresh on each call. */
export const strongSecrets = () => ({
  REFCHECK_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  REFCHECK_LINK_SECRET: randomBytes(32).toString('base64'),
  REFCHECK_ADMIN_TOKEN: randomBytes(24).toString('hex'),
  TEMPORAL_PAYLOAD_KEYS: `k1:${randomBytes(32).toString('base64')}`,
});

/**
 * Fixed, so the histories the recorder writes (encrypted) replay in test/replay.test.ts. Two keys:
 * the second one stands for a rotated-out key that still decrypts.
 */
export const TEST_PAYLOAD_KEYS = 'test2:2rGX8Ok1Pq0mB5wZ8m0Uu9YpV0mJ3q5J9Kk7aQyX6bE=,test1:jz3Q6bH8yXc1VvN4sR0pL7tW2eK9mA5uD3fG6hJ8kLo=';

/** A test or drill stack's secrets: fresh, plus the inbound-mail secret, with the fixed payload keys. */
export const stackSecrets = () => ({ ...strongSecrets(), INBOUND_MAIL_SECRET: randomBytes(24).toString('hex'), TEMPORAL_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS });
