import { lever, local } from './activities';
import type { HireDecidedSignal, ReferenceCheckInput, StopSignal } from './definitions';
import { stoppedMarker } from './summary';

const STOP_NOTES = {
  archived: 'Reference check stopped: the candidate was archived in Lever. Referees who had not answered will not be contacted again.',
  cancelled: 'Reference check cancelled in refcheck. Referees who had not answered will not be contacted again.',
};

/**
 * The check stopped while refcheck was still collecting references: Lever deleted or archived the
 * candidate, or someone cancelled it in the console. Deleted: refcheck forgets them (their
 * request, referees and answers). Archived or cancelled: the request is cancelled, the referees
 * were already called off, and the recruiter is told so in Lever, once.
 */
export async function stopCollecting(input: ReferenceCheckInput, requestId: string, stop: StopSignal): Promise<'archived' | 'deleted' | 'cancelled'> {
  if (stop.kind === 'deleted') {
    await local.purgeRequest({ requestId });
    return 'deleted';
  }
  await local.concludePortalRequest({ requestId, status: 'cancelled' });
  await lever.postNote({ connectionId: input.connectionId, opportunityId: input.opportunityId, marker: stoppedMarker(requestId), note: STOP_NOTES[stop.kind] });
  return stop.kind;
}

/** Archived after the report: Lever's archive reason says whether it was a hire. */
export async function hireFromArchive(input: ReferenceCheckInput, reasonId: string | null): Promise<HireDecidedSignal> {
  const kind = reasonId ? await lever.archiveReasonType({ connectionId: input.connectionId, reasonId }) : 'non-hired';
  return { hired: kind === 'hired', source: 'lever-archive' };
}
