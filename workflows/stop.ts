import { lever, local } from './activities';
import type { ReferenceCheckInput } from './definitions';
import { stoppedMarker } from './summary';

/** Why a run stops early: Lever shows the candidate archived (`hired`: by a hired reason), or the console cancelled it. */
export type Stop = { kind: 'archived'; hired: boolean } | { kind: 'cancelled' };

const STOP_NOTES = {
  archived: 'Reference check stopped: the candidate was archived in Lever. Referees who had not answered will not be contacted again.',
  cancelled: 'Reference check cancelled in refcheck. Referees who had not answered will not be contacted again.',
};

/**
 * The check stopped while refcheck was still collecting references: Lever archived the candidate,
 * or someone cancelled it in the console. The request is cancelled, the referees were already
 * called off, and the recruiter is told so in Lever, once. (A deletion is the run's own ending: see finish.)
 */
export async function stopCollecting(input: ReferenceCheckInput, requestId: string, stop: Stop): Promise<'archived' | 'cancelled'> {
  await local.concludePortalRequest({ requestId, status: 'cancelled' });
  await lever().postNote({ connectionId: input.connectionId, opportunityId: input.opportunityId, marker: stoppedMarker(requestId), note: STOP_NOTES[stop.kind] });
  return stop.kind;
}
