import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { payloadCodec } from '../src/temporal';
import { isEncrypted, METADATA_KEY_ID } from '../src/temporal-codec/encryption-codec';
import { giveReferences, handleFor, startCheck, until } from './helpers/journey';
import { candidateEmail, startStack, type Stack } from './helpers/stack';

/**
 * Temporal keeps every run's history (inputs, results, signals, activity arguments) for its
 * retention period, readable by anyone with access to Temporal. refcheck encrypts all of it:
 * read without the codec, a finished check's histories hold no name, address or report link;
 * with the codec they read in full.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ hireConfirmationDelaySeconds: 1, ownerAnswerTimeoutSeconds: 1 });
});
afterAll(() => stack.close());

const OWNER_EMAIL = 'grace@acme.test';

/** Every string and every byte string (as UTF-8) in a history: what someone reading Temporal's storage sees. */
function everythingIn(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string') out.push(node);
  else if (node instanceof Uint8Array) out.push(Buffer.from(node).toString('utf8'));
  else if (Array.isArray(node)) for (const n of node) everythingIn(n, out);
  else if (node && typeof node === 'object') for (const v of Object.values(node)) everythingIn(v, out);
  return out;
}

/** The same history's payloads decrypted, as the worker and the UI (through the codec endpoint) read them. */
async function decryptedPayloads(node: unknown, codec = payloadCodec(stack.config), out: string[] = []): Promise<string[]> {
  if (!node || typeof node !== 'object' || node instanceof Uint8Array) return out;
  if (Array.isArray(node)) {
    for (const n of node) await decryptedPayloads(n, codec, out);
    return out;
  }
  const maybe = node as Payload;
  if (maybe.metadata && isEncrypted(maybe)) {
    const [plain] = await codec.decode([maybe]);
    out.push(Buffer.from(plain.data ?? []).toString('utf8'));
    return out;
  }
  for (const v of Object.values(node)) await decryptedPayloads(v, codec, out);
  return out;
}

test('when a check has run end to end, then its histories read without the codec hold no name, email or report link, and with it they read in full', async () => {
  const opp = stack.seedCandidate('opp-codec-history');
  const run = await startCheck(stack, opp);
  const referees = await giveReferences(stack, opp);
  const result = await run.handle.result();
  expect(result.outcome).toBeDefined();
  expect(stack.fake.links(opp)).toEqual([expect.stringContaining('/reports/')]);

  // A client without the codec: what Temporal (its database, its UI, its CLI) holds.
  const raw = new Client({ connection: stack.client.connection, namespace: stack.config.TEMPORAL_NAMESPACE });
  const ids = await until('the check and its referees listed', async () => {
    const found: string[] = [];
    for await (const w of raw.workflow.list({ query: `RefcheckConnectionId = '${stack.connectionId}'` })) found.push(w.workflowId);
    return found.length >= 1 + referees.length && found;
  });
  expect(ids).toContain(handleFor(stack, opp).workflowId);
  const histories = await Promise.all(ids.map((id) => raw.workflow.getHandle(id).fetchHistory()));

  const stored = everythingIn(histories).join('\n');
  const personal = ['Ada Lovelace', 'Lovelace', candidateEmail(opp), OWNER_EMAIL, 'Grace Hopper', ...referees.flatMap((r) => [r.name, r.email]), '/reports/'];
  for (const value of personal) expect({ value, found: stored.includes(value) }).toEqual({ value, found: false });
  // Every payload is ours, under the first (current) key.
  const keyIds = new Set(everythingIn(payloadsIn(histories)).filter((s) => s.startsWith('test')));
  expect([...keyIds]).toEqual(['test2']);

  // Decrypted, the same histories read again (the run's input names its opportunity), and even
  // then hold nothing personal: the workflow carries ids, the people stay in Postgres.
  const decrypted = (await decryptedPayloads(histories)).join('\n');
  expect(decrypted).toContain(opp);
  expect(personal.filter((value) => decrypted.includes(value))).toEqual([]);
}, 120_000);

/** The key ids of every encrypted payload in a history. */
function payloadsIn(node: unknown, out: Uint8Array[] = []): Uint8Array[] {
  if (!node || typeof node !== 'object' || node instanceof Uint8Array) return out;
  if (Array.isArray(node)) for (const n of node) payloadsIn(n, out);
  else {
    const keyId = (node as Payload).metadata?.[METADATA_KEY_ID];
    if (keyId) out.push(keyId);
    else for (const v of Object.values(node)) payloadsIn(v, out);
  }
  return out;
}
