import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type FailureConverter } from '@temporalio/common';
import { ConfigError, loadConfig } from '../src/config';
import { FAILURE_CONVERTER_PATH, payloadCodec } from '../src/temporal';

/** TEMPORAL_PAYLOAD_KEYS: refused with a message that says how to make one, never echoing a key; rotation keeps old payloads readable. */
const key = () => randomBytes(32).toString('base64');
const base = {
  DATABASE_URL: 'postgresql://refcheck@localhost/refcheck', REFCHECK_ENCRYPTION_KEY: key(),
  REFCHECK_LINK_SECRET: randomBytes(32).toString('hex'), REFCHECK_ADMIN_TOKEN: randomBytes(24).toString('hex'),
};
const problemWith = (env: Record<string, string>) => {
  try {
    loadConfig({ ...base, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  return undefined;
};

test('when the payload keys are missing or malformed, then the start is refused with how to make them, and no key is echoed', () => {
  expect(problemWith({})).toMatch(/TEMPORAL_PAYLOAD_KEYS/);
  const short = Buffer.alloc(16, 1).toString('base64');
  for (const [value, reason] of [
    [key(), /has no ":"/],
    [`k1:${short}`, /key of "k1" is not 32 bytes of base64/],
    [`k1:${key()},k1:${key()}`, /"k1" appears twice/],
    [`bad id!:${key()}`, /the id must be/],
  ] as const) {
    const message = problemWith({ TEMPORAL_PAYLOAD_KEYS: value });
    expect(message).toMatch(/TEMPORAL_PAYLOAD_KEYS: must be id:key pairs .*openssl rand -base64 32/);
    expect(message).toMatch(reason);
    for (const part of value.split(/[,:]/)) if (part.length > 20) expect(message).not.toContain(part);
  }
  expect(problemWith({ TEMPORAL_PAYLOAD_KEYS: `k2:${key()},k1:${key()}` })).toBeUndefined();
});

test('when the UI origin has a path, then the start is refused', () => {
  expect(problemWith({ TEMPORAL_PAYLOAD_KEYS: `k1:${key()}`, TEMPORAL_UI_ORIGIN: 'https://temporal.example.com/ui' })).toMatch(/TEMPORAL_UI_ORIGIN: must be an origin/);
});

test('when a key is rotated (a new one first, the old one kept), then new payloads use the new key and old ones still decode', async () => {
  const [oldKey, newKey] = [`k1:${key()}`, `k2:${key()}`];
  const before = await payloadCodec({ TEMPORAL_PAYLOAD_KEYS: oldKey }).encode([defaultPayloadConverter.toPayload('written under k1')]);
  const rotated = payloadCodec({ TEMPORAL_PAYLOAD_KEYS: `${newKey},${oldKey}` });
  const after = await rotated.encode([defaultPayloadConverter.toPayload('written under k2')]);
  expect(Buffer.from(after[0].metadata!['encryption-key-id']).toString()).toBe('k2');
  const decoded = await rotated.decode([...before, ...after]);
  expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual(['written under k1', 'written under k2']);
  // Dropped too early, the old key's payloads say which key is missing.
  await expect(payloadCodec({ TEMPORAL_PAYLOAD_KEYS: newKey }).decode(before)).rejects.toThrow(/key "k1", which TEMPORAL_PAYLOAD_KEYS does not list/);
});

test('when an error quotes personal data, then its message and stack reach Temporal only inside the encrypted payload', async () => {
  const { failureConverter } = await import(FAILURE_CONVERTER_PATH) as { failureConverter: FailureConverter };
  const failure = failureConverter.errorToFailure(new Error('550 mailbox ada@candidate.test unknown'), defaultPayloadConverter);
  expect(failure.message).not.toContain('ada@');
  expect(failure.stackTrace ?? '').not.toContain('ada@');
  const [sealed] = await payloadCodec({ TEMPORAL_PAYLOAD_KEYS: `k1:${key()}` }).encode([failure.encodedAttributes!]);
  expect(Buffer.from(sealed.data!).toString('latin1')).not.toContain('ada@');
});
