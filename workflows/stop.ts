import { lever, local } from './activities';
import type { HireDecidedSignal, ReferenceCheckInput, StopSignal } from './definitions';
import { stoppedMarker } from './summary';

/**
 * Lever archived or deleted the candidate while refcheck was still collecting references.
 * Deleted: refcheck forgets them (their request, referees and answers). Archived: the request is
 * cancelled, the referees were already called off, and the recruiter is told so in Lever.
 */
export async function stopCollecting(input: ReferenceCheckInput, requestId: string, stop: StopSignal): Promise<'archived' | 'deleted'> {
  if (stop.kind === 'deleted') {
    await local.purgeRequest({ requestId });
    return 'deleted';
  }
  await local.concludePortalRequest({ requestId, status: 'cancelled' });
  await lever.postNote({
    connectionId: input.connectionId, opportunityId: input.opportunityId, marker: stoppedMarker(requestId),
    note: 'Reference check stopped: the candidate was archived in Lever. Referees who had not answered will not be contacted again.',
  });
  return 'archived';
}

/** Archived after the report: Lever's archive reason says whether it was a hire. */
export async function hireFromArchive(input: ReferenceCheckInput, reasonId: string | null): Promise<HireDecidedSignal> {
  const kind = reasonId ? await lever.archiveReasonType({ connectionId: input.connectionId, reasonId }) : 'non-hired';
  return { hired: kind === 'hired', source: 'lever-archive' };
}
