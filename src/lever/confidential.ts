import { type LeverClient, LeverError } from './client';

/**
 * Whether Lever's 403 on one record (`GET /opportunities/:id`, `GET /postings/:id`) means the
 * record is confidential and the key lacks Lever's confidential access.
 *
 * Lever answers 403 both for a key without an endpoint's permission and for a confidential record
 * read by a key without confidential access, and documents no code that tells the two apart (its
 * message is free text, not a contract). So refcheck asks once more: a key that may list the same
 * kind of record (`GET /opportunities?limit=1`; lists leave confidential records out by default)
 * has the endpoint's permission, and then the record's own 403 can only be its confidentiality,
 * the one record-level restriction Lever documents for API keys. A 403 on the list too means the
 * permission is missing: not a confidential candidate. Other failures of that probe (429, 5xx,
 * network) are thrown, so the caller retries as it would any read.
 */
export async function refusedAsConfidential(client: LeverClient, err: unknown, collection: '/opportunities' | '/postings'): Promise<boolean> {
  if (!(err instanceof LeverError) || err.status !== 403) return false;
  try {
    await client.probe(collection);
    return true;
  } catch (probeErr) {
    if (probeErr instanceof LeverError && probeErr.status === 403) return false;
    throw probeErr;
  }
}

/**
 * Whether Lever refuses this opportunity to the key as confidential: the console asks before it
 * starts a check, so the person starting it reads the fix at once instead of a run that ends so.
 * The posting need not be asked: Lever makes an opportunity on a confidential posting confidential
 * too. Anything else (the read works, an unknown id, Lever unreachable) is the run's to meet.
 */
export async function opportunityRefusedAsConfidential(client: LeverClient, opportunityId: string): Promise<boolean> {
  try {
    await client.getOpportunity(opportunityId);
    return false;
  } catch (err) {
    return refusedAsConfidential(client, err, '/opportunities').catch(() => false);
  }
}
