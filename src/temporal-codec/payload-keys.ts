import { weakKeyProblem } from '../secret-strength';

/**
 * The keys that encrypt what refcheck stores in Temporal, from TEMPORAL_PAYLOAD_KEYS:
 * `id:base64key` pairs separated by commas. The first key encrypts every new payload; every key
 * decrypts, so a rotated-out key stays listed for as long as Temporal keeps histories it wrote.
 */
export type PayloadKeys = { encryptWith: string; keys: ReadonlyMap<string, Buffer> };

const KEY_ID = /^[A-Za-z0-9._-]{1,32}$/;
const KEY_BYTES = 32;

export const PAYLOAD_KEYS_FORMAT =
  'must be id:key pairs separated by commas, each key 32 random bytes in base64 (openssl rand -base64 32), e.g. k2:<new key>,k1:<old key>; the first one encrypts';

/** What is wrong with the setting, without echoing any key; undefined when it is usable. */
export function payloadKeysProblem(spec: string): string | undefined {
  const ids = new Set<string>();
  for (const [i, pair] of spec.split(',').entries()) {
    const at = `pair ${i + 1}`;
    const colon = pair.indexOf(':');
    if (colon < 0) return `${PAYLOAD_KEYS_FORMAT} (${at} has no ":")`;
    const id = pair.slice(0, colon).trim();
    const key = pair.slice(colon + 1).trim();
    if (!KEY_ID.test(id)) return `${PAYLOAD_KEYS_FORMAT} (${at}: the id must be 1-32 letters, digits, ".", "_" or "-")`;
    if (ids.has(id)) return `${PAYLOAD_KEYS_FORMAT} (the id "${id}" appears twice)`;
    ids.add(id);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || Buffer.from(key, 'base64').length !== KEY_BYTES) {
      return `${PAYLOAD_KEYS_FORMAT} (the key of "${id}" is not 32 bytes of base64)`;
    }
    // A placeholder or typed key (the one in .env.example decodes to CHANGE-ME text) is public, not random.
    const weak = weakKeyProblem(key, KEY_BYTES);
    if (weak) return `has a key "${id}" that ${weak}`;
  }
  return undefined;
}

export function parsePayloadKeys(spec: string): PayloadKeys {
  const problem = payloadKeysProblem(spec);
  if (problem) throw new Error(`TEMPORAL_PAYLOAD_KEYS ${problem}`);
  const pairs = spec.split(',').map((pair) => {
    const colon = pair.indexOf(':');
    return [pair.slice(0, colon).trim(), Buffer.from(pair.slice(colon + 1).trim(), 'base64')] as const;
  });
  return { encryptWith: pairs[0][0], keys: new Map(pairs) };
}
