import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type LocalSecrets = { REFCHECK_ENCRYPTION_KEY: string; REFCHECK_LINK_SECRET: string; REFCHECK_ADMIN_TOKEN: string; INBOUND_MAIL_SECRET: string; TEMPORAL_PAYLOAD_KEYS: string };

const generate = (): LocalSecrets => ({
  REFCHECK_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  REFCHECK_LINK_SECRET: randomBytes(32).toString('hex'),
  REFCHECK_ADMIN_TOKEN: randomBytes(24).toString('hex'),
  INBOUND_MAIL_SECRET: randomBytes(24).toString('hex'),
  TEMPORAL_PAYLOAD_KEYS: `local1:${randomBytes(32).toString('base64')}`,
});

/**
 * Secrets for the local stack, made once and kept under .data (mode 600), never committed.
 * A file from before a secret existed gets the new one added; the ones it has are kept.
 */
export function localSecrets(file: string): LocalSecrets {
  const kept = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>) : {};
  const secrets = { ...generate(), ...kept };
  if (Object.keys(secrets).length !== Object.keys(kept).length) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}
