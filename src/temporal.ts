import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Config } from './config';
import { EncryptionCodec } from './temporal-codec/encryption-codec';
import { parsePayloadKeys } from './temporal-codec/payload-keys';

/**
 * Every Temporal client and worker refcheck makes goes through here, so nothing it writes to
 * Temporal (workflow inputs, results, signals, activity arguments, summaries) is stored in clear:
 * candidates', owners' and referees' names and addresses are personal data.
 */
type TemporalSettings = Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE' | 'TEMPORAL_PAYLOAD_KEYS'>;

export function payloadCodec(config: Pick<Config, 'TEMPORAL_PAYLOAD_KEYS'>): EncryptionCodec {
  return new EncryptionCodec(parsePayloadKeys(config.TEMPORAL_PAYLOAD_KEYS));
}

/** Failure messages encoded as payloads, so the codec encrypts them too (bundleWorkflowCode takes it as well). */
export const FAILURE_CONVERTER_PATH = require.resolve('./temporal-codec/failure-converter');

/** For Client and Worker.create / runReplayHistory: the same codec on both sides, or neither can read the other. */
export function temporalDataConverter(config: Pick<Config, 'TEMPORAL_PAYLOAD_KEYS'>): DataConverter {
  return { payloadCodecs: [payloadCodec(config)], failureConverterPath: FAILURE_CONVERTER_PATH };
}

/**
 * A lazy connection: the api starts (and answers 503) while Temporal is still down,
 * and reconnects by itself when Temporal comes back.
 */
export function createTemporalClient(config: TemporalSettings): { client: Client; connection: Connection } {
  const connection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
  return { client: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: temporalDataConverter(config) }), connection };
}

/** Connected now (CLIs, the demo, tests): fails at once when Temporal is not there. */
export async function connectTemporalClient(config: TemporalSettings): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  return { client: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: temporalDataConverter(config) }), connection };
}

/** Calls to Temporal from a request handler give up after this, so Lever gets its 503 quickly. */
export const TEMPORAL_CALL_DEADLINE_MS = 5_000;
