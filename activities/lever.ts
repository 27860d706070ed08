import { ApplicationFailure, cancellationSignal, heartbeat } from '@temporalio/activity';
import { setCheckCandidate } from '../src/db/checks';
import { findConnection } from '../src/db/connections';
import { takeLeverSlot } from '../src/db/rate-limit';
import { LeverClient, LeverError } from '../src/lever/client';
import { refusedAsConfidential } from '../src/lever/confidential';
import type { Opportunity } from '../src/lever/schemas';
import { type ActivityDeps, callingWorkflow } from './deps';

export type CandidateSnapshot = {
  /** in the connection's trigger stage (archived or not) */
  inTriggerStage: boolean;
  archived: boolean;
  candidateName: string;
  candidateEmail: string | null;
  postingTitle: string | null;
  postingTags: string[];
  ownerName: string | null;
  ownerEmail: string | null;
};

/** Lever refused the opportunity or its posting as confidential: the key has no confidential access. */
export type LeverRefusal = { refused: 'confidential' };
export type CandidateRead = CandidateSnapshot | LeverRefusal;

export type PublishInput = { connectionId: string; opportunityId: string; reportUrl: string; marker: string; note: string };
export type NoteInput = { connectionId: string; opportunityId: string; marker: string; note: string };
export type HireSyncInput = NoteInput & { tags: string[]; archiveAsHired: boolean };

/**
 * Lever reads and writes. Every write is preceded by a look for its own marker, so an attempt
 * retried after Lever committed the write (response lost, worker killed) does not write twice.
 */
export function leverActivities(deps: ActivityDeps) {
  const lever = (connectionId: string) => leverClientFor(deps, connectionId);

  async function postNoteOnce(client: LeverClient, opportunityId: string, marker: string, note: string): Promise<void> {
    const notes = await client.listNotes(opportunityId);
    if (notes.some((n) => JSON.stringify(n).includes(marker))) return;
    await client.addNote(opportunityId, `${note}\n${marker}`);
  }

  return {
    /**
     * Also names the candidate and job on the console's row here, so the name travels in no further payload.
     * A confidential candidate (or posting) Lever refuses to this key is an answer, not a failure.
     */
    async readCandidate(input: { connectionId: string; opportunityId: string; triggerStageId: string | null }): Promise<CandidateRead> {
      return leverCall(async () => {
        const client = await lever(input.connectionId);
        const opp = await unlessConfidential(client, '/opportunities', () => client.getOpportunity(input.opportunityId));
        if (isRefusal(opp)) return opp;
        const postingId = postingOf(opp);
        const posting = postingId ? await unlessConfidential(client, '/postings', () => client.getPosting(postingId)) : undefined;
        if (posting && isRefusal(posting)) return posting;
        const owner = typeof opp.owner === 'string' ? await client.getUser(opp.owner) : opp.owner ?? undefined;
        const candidateName = opp.name ?? 'the candidate';
        // The phone (a mobile first) goes to Postgres only: texts read it there, the history never holds it.
        const candidatePhone = (opp.phones.find((p) => p.type === 'mobile') ?? opp.phones[0])?.value ?? null;
        await setCheckCandidate(deps.db, { ...callingWorkflow(), candidateName, postingTitle: posting?.text ?? null, candidatePhone });
        return {
          inTriggerStage: stageOf(opp) === input.triggerStageId,
          archived: isArchived(opp),
          candidateName,
          candidateEmail: opp.emails[0] ?? null,
          postingTitle: posting?.text ?? null,
          postingTags: [...new Set([...(posting?.tags ?? []), ...opp.tags])],
          ownerName: owner?.name ?? null,
          ownerEmail: owner?.email ?? null,
        };
      });
    },

    async postNote(input: NoteInput): Promise<void> {
      return leverCall(async () => postNoteOnce(await lever(input.connectionId), input.opportunityId, input.marker, input.note));
    },

    /** The report link on the opportunity, then the summary note: each exactly once. */
    async publishReport(input: PublishInput): Promise<void> {
      return leverCall(async () => {
        const client = await lever(input.connectionId);
        const opp = await client.getOpportunity(input.opportunityId);
        if (!opp.links.includes(input.reportUrl)) await client.addLinks(input.opportunityId, [input.reportUrl]);
        await postNoteOnce(client, input.opportunityId, input.marker, input.note);
      });
    },

    async archiveReasonType(input: { connectionId: string; reasonId: string }): Promise<'hired' | 'non-hired'> {
      return leverCall(async () => ((await (await lever(input.connectionId)).archiveReasonType(input.reasonId)) === 'hired' ? 'hired' : 'non-hired'));
    },

    async syncHireOutcome(input: HireSyncInput): Promise<void> {
      return leverCall(async () => {
        const client = await lever(input.connectionId);
        await postNoteOnce(client, input.opportunityId, input.marker, input.note);
        const opp = await client.getOpportunity(input.opportunityId);
        const missing = input.tags.filter((t) => !opp.tags.includes(t));
        if (missing.length > 0) await client.addTags(input.opportunityId, missing);
        if (input.archiveAsHired && !isArchived(opp)) {
          const reason = await client.hiredArchiveReasonId();
          if (!reason) throw ApplicationFailure.nonRetryable('this Lever account has no "hired" archive reason', 'LeverNoHiredReason');
          await client.archive(input.opportunityId, reason);
        }
      });
    },
  };
}

/**
 * The connection's Lever client for an activity: one token bucket per API key in Postgres, shared by
 * every worker (Lever's limit is per key), heartbeating while it waits for a slot (booked at most the
 * horizon ahead, see takeLeverSlot) and giving up the wait when the activity is cancelled.
 */
export async function leverClientFor(deps: ActivityDeps, connectionId: string): Promise<LeverClient> {
  const connection = await findConnection(deps.db, deps.box, connectionId);
  if (!connection) throw ApplicationFailure.nonRetryable(`connection ${connectionId} no longer exists`, 'ConnectionNotFound');
  const { leverRequestsPerSecond: ratePerSecond, leverBurst: burst, leverSlotHorizonMs: horizonMs } = deps.settings;
  return new LeverClient({
    baseUrl: connection.leverBaseUrl,
    apiKey: connection.apiKey,
    confidential: connection.confidentialAccess,
    beforeRequest: async () => {
      await takeLeverSlot(deps.db, connection.apiKeyFingerprint, { ratePerSecond, burst, horizonMs }, { heartbeat: () => heartbeat(), signal: cancellationSignal() });
    },
    timeoutMs: 10_000,
  });
}

// Lever's records are loose objects (any key may appear), so `'refused' in x` alone would not narrow them.
const isRefusal = (x: object): x is LeverRefusal => (x as Partial<LeverRefusal>).refused === 'confidential';

/** The read, or Lever's refusal of a confidential record (see refusedAsConfidential); other errors are thrown. */
async function unlessConfidential<T extends object>(client: LeverClient, collection: '/opportunities' | '/postings', read: () => Promise<T>): Promise<T | LeverRefusal> {
  try {
    return await read();
  } catch (err) {
    if (await refusedAsConfidential(client, err, collection)) return { refused: 'confidential' };
    throw err;
  }
}

/** Permanent Lever errors (400/401/403/404) must not be retried; everything else is, with backoff. */
export async function leverCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof LeverError && !err.retryable) throw ApplicationFailure.nonRetryable(err.message, err.type);
    throw err;
  }
}

const stageOf = (o: Opportunity) => (typeof o.stage === 'string' ? o.stage : o.stage?.id);
const isArchived = (o: Opportunity) => Boolean(o.archived?.archivedAt ?? (o as { archivedAt?: number }).archivedAt);
function postingOf(o: Opportunity): string | undefined {
  const app = o.applications[0];
  return typeof app === 'object' ? app.posting ?? undefined : undefined;
}
