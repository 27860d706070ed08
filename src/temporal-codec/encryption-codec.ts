import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { Field, MapField, Type } from 'protobufjs';
import type { PayloadKeys } from './payload-keys';

/** The metadata that marks a payload as ours; the key id travels beside it so old keys still decrypt. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * temporal.api.common.v1.Payload's wire shape (fields 1 and 2), so the whole payload, metadata
 * included, is what gets encrypted: the encoding (json/plain, ...) tells nothing either.
 */
const PayloadMessage = new Type('Payload')
  .add(new MapField('metadata', 1, 'string', 'bytes'))
  .add(new Field('data', 2, 'bytes'));

/** A payload marked as ours that cannot be decrypted: tampered with, cut short, or under a key not configured. */
export class PayloadDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadDecryptionError';
  }
}

/**
 * AES-256-GCM over each whole payload (a fresh 96-bit IV each time, the key id as associated
 * data so the metadata cannot be swapped). Decoding lets through payloads that are not ours,
 * so histories written before encryption (or by Temporal itself) still read.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: PayloadKeys) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.decrypt(payload) : payload));
  }

  private encrypt(payload: Payload): Payload {
    const keyId = this.keys.encryptWith;
    const plain = PayloadMessage.encode(PayloadMessage.create({ metadata: payload.metadata ?? {}, data: payload.data ?? new Uint8Array() })).finish();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.keys.get(keyId)!, iv);
    cipher.setAAD(associatedData(keyId));
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return { metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [METADATA_KEY_ID]: utf8(keyId) }, data: sealed };
  }

  private decrypt(payload: Payload): Payload {
    const idBytes = payload.metadata?.[METADATA_KEY_ID];
    if (!idBytes) throw new PayloadDecryptionError('encrypted payload without a key id');
    const keyId = Buffer.from(idBytes).toString('utf8');
    const key = this.keys.keys.get(keyId);
    if (!key) throw new PayloadDecryptionError(`payload encrypted with key "${keyId}", which TEMPORAL_PAYLOAD_KEYS does not list`);
    const sealed = Buffer.from(payload.data ?? []);
    if (sealed.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`encrypted payload (key "${keyId}") is too short`);
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
      decipher.setAAD(associatedData(keyId));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(`encrypted payload (key "${keyId}") failed authentication: it was altered, or encrypted with another key of that id`);
    }
    const inner = PayloadMessage.decode(plain) as unknown as Payload;
    return { metadata: { ...inner.metadata }, data: inner.data ?? new Uint8Array() };
  }
}

export function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
  return !!encoding && Buffer.from(encoding).toString('utf8') === ENCRYPTED_ENCODING;
}

const utf8 = (s: string) => Buffer.from(s, 'utf8');
const associatedData = (keyId: string) => utf8(`refcheck/temporal-payload/v1/${keyId}`);
