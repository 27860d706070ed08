import type { Payload } from '@temporalio/common';
import { z } from 'zod';

/**
 * The remote codec protocol the Temporal UI and CLI speak: `{ payloads: [...] }` in proto3 JSON,
 * where metadata values and data are base64 strings.
 */
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
export const PayloadsJson = z.object({
  payloads: z.array(z.object({
    metadata: z.record(z.string().max(256), base64).nullish(),
    data: base64.nullish(),
  })).max(10_000),
});
export type PayloadsJson = z.infer<typeof PayloadsJson>;

export const fromJson = (body: PayloadsJson): Payload[] => body.payloads.map(({ metadata, data }) => ({
  metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(data ?? '', 'base64'),
}));

export const toJson = (payloads: Payload[]): PayloadsJson => ({
  payloads: payloads.map(({ metadata, data }) => ({
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(data ?? []).toString('base64'),
  })),
});
