import type { Db } from '../db/pool';
import { takeLeverSlot } from '../db/rate-limit';
import { LeverClient, LeverError } from '../lever/client';
import type { Stage } from '../lever/schemas';
import type { SecretBox } from '../secrets';

/**
 * The console's reads of a Lever account: the live key check on save, the stages for the trigger
 * dropdown, the postings that carry a template's tag. They share the API key's rate-limit bucket
 * with the workers, so an admin clicking around never pushes a busy account over Lever's limit.
 */
/** `confidentialAccess`: the connection's word that the key has Lever's confidential access (lists then include confidential records). */
export type LeverSettings = { leverBaseUrl: string; apiKey: string; confidentialAccess?: boolean };
export type LeverLimits = { leverRequestsPerSecond: number; leverBurst: number; leverSlotHorizonMs: number };

const CONSOLE_SLOT_WAIT_MS = 8_000;

export function consoleLeverClient(db: Db, box: SecretBox, limits: LeverLimits, s: LeverSettings): LeverClient {
  const key = box.fingerprint(s.apiKey);
  return new LeverClient({
    baseUrl: s.leverBaseUrl,
    apiKey: s.apiKey,
    confidential: s.confidentialAccess,
    timeoutMs: 8_000,
    beforeRequest: async () => {
      // A page waits a few seconds at most for its slot; it never sends without one (that would risk a 429 for the workers).
      const signal = AbortSignal.timeout(CONSOLE_SLOT_WAIT_MS);
      const budget = { ratePerSecond: limits.leverRequestsPerSecond, burst: limits.leverBurst, horizonMs: limits.leverSlotHorizonMs };
      await takeLeverSlot(db, key, budget, { signal }).catch((err: unknown) => {
        if (!signal.aborted) throw err;
        throw new LeverError(429, 'LeverRateLimited', 'no Lever rate-limit slot free for this key just now', true);
      });
    },
  });
}

/** What refcheck reads, with the permission a Lever admin ticks for it when making the key. */
const NEEDED_READS = [
  { path: '/opportunities', permission: 'Opportunities (read)' },
  { path: '/postings', permission: 'Postings (read)' },
  { path: '/users', permission: 'Users (read)' },
  { path: '/archive_reasons', permission: 'Archive reasons (read)' },
] as const;

export type KeyCheck =
  | { ok: true; stages: Stage[]; missing: string[] }
  | { ok: false; problem: string };

/**
 * Checks a key against Lever with cheap reads: the stages (which the dropdown needs anyway), then
 * one row of each resource refcheck reads. A refused key gets Lever's own message; a key that
 * works but lacks a permission says which ones. Writes (notes, links, tags) cannot be probed
 * without writing, so the page lists them for the admin to tick. Nor can confidential access:
 * Lever documents no cheap read that a key without it fails (its lists quietly leave confidential
 * records out), so the connection's box is the admin's word, and a confidential candidate Lever
 * refuses ends its check `confidential-no-access` with the fix.
 */
export async function checkLeverKey(client: LeverClient): Promise<KeyCheck> {
  let stages: Stage[];
  try {
    stages = await client.listStages();
  } catch (err) {
    return { ok: false, problem: explain(err, 'Stages (read)') };
  }
  const missing: string[] = [];
  for (const need of NEEDED_READS) {
    try {
      await client.probe(need.path);
    } catch (err) {
      if (err instanceof LeverError && err.status === 403) missing.push(need.permission);
      else return { ok: false, problem: explain(err, need.permission) };
    }
  }
  return { ok: true, stages, missing };
}

/** Lever's own words where it gave some; ours where it could not be reached. */
export function explain(err: unknown, permission: string): string {
  if (!(err instanceof LeverError)) return 'Lever could not be reached.';
  const said = err.leverMessage ? ` Lever said: "${err.leverMessage}"` : '';
  switch (err.status) {
    case 401: return `Lever refused this API key.${said}`;
    case 403: return `This API key lacks the permission ${permission}.${said}`;
    case 0: return 'Lever could not be reached at this address. Check the environment or URL.';
    case 429: return 'Lever is rate-limiting this key just now. Try again in a few seconds.';
    default: return err.status >= 500 ? `Lever is not answering properly (HTTP ${err.status}). Try again in a minute.` : `Lever answered HTTP ${err.status}.${said}`;
  }
}
