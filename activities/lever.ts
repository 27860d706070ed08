import { ApplicationFailure, cancellationSignal, heartbeat } from '@temporalio/activity';
import { setCheckCandidate } from '../src/db/checks';
import { findReportLink } from '../src/db/report-links';
import { findConnection } from '../src/db/connections';
import { claimLeverWrite, markLeverWritten, type LeverWriteRef } from '../src/db/lever-writes';
import { takeLeverSlot } from '../src/db/rate-limit';
import { LeverClient, LeverError } from '../src/lever/client';
import { refusedAsConfidential } from '../src/lever/confidential';
import { ReadCache } from '../src/lever/read-cache';
import type { Opportunity, Posting } from '../src/lever/schemas';
import { type ActivityDeps, callingWorkflow } from './deps';
import { opportunityDeleted, RecordNotFound } from './errors';

/** What the workflow decides on: no names or addresses (those go to Postgres, see setCheckCandidate). */
export type CandidateSnapshot = {
  /** in the connection's trigger stage (archived or not) */
  inTriggerStage: boolean;
  archived: boolean;
  hasEmail: boolean;
  hasOwnerEmail: boolean;
  postingTags: string[];
};

/** Lever refused the opportunity or its posting as confidential: the key has no confidential access. */
export type LeverRefusal = { refused: 'confidential' };
export type CandidateRead = CandidateSnapshot | LeverRefusal;

/** What Lever shows of the opportunity now, to confirm a webhook's hint. */
export type OpportunityState =
  | { state: 'active' }
  | { state: 'archived'; hired: boolean }
  | { state: 'deleted' }
  | { state: 'unreadable' };

export type OpportunityRef = { connectionId: string; opportunityId: string };
export type PublishInput = OpportunityRef & { requestId: string; marker: string; summary: string };
export type NoteInput = OpportunityRef & { marker: string; note: string };
export type HireSyncInput = NoteInput & { tags: string[]; archiveAsHired: boolean };

/**
 * How long a posting or the account's archive reasons may be served from the worker's memory.
 * A posting's title and tags (which pick the template) and the archive reasons change rarely and
 * by hand: a recruiter who re-tags a posting sees new starts follow within five minutes. The
 * opportunity (stage, archived, owner, contact) is never cached: it is what Lever is the truth about.
 */
export const LEVER_READ_TTL_MS = 5 * 60_000;

/**
 * Lever reads and writes. Every write is made exactly once: it is claimed in Postgres before it is
 * made and marked after (see claimLeverWrite). A first attempt writes at once; an attempt that finds
 * an earlier, unfinished claim (response lost, worker killed, a reset run) first looks in Lever for
 * the write's marker, so a retry after Lever committed the write does not write twice.
 */
export function leverActivities(deps: ActivityDeps) {
  const lever = (connectionId: string) => leverFor(deps, connectionId);
  const postings = new ReadCache<Posting>(LEVER_READ_TTL_MS);
  const archiveReasons = new ReadCache<{ id: string; type?: string }[]>(LEVER_READ_TTL_MS);

  /** The account's archive reason that `wanted` picks; one the kept list lacks (added since) is looked for in a fresh read. */
  async function archiveReason(scoped: ScopedClient, wanted: (r: { id: string; type?: string }) => boolean) {
    const read = () => heartbeatWhile(archiveReasons.read(scoped.scope, () => scoped.client.listArchiveReasons()));
    const kept = archiveReasons.holds(scoped.scope);
    const found = (await read()).find(wanted);
    if (found || !kept) return found;
    archiveReasons.forget(scoped.scope);
    return (await read()).find(wanted);
  }

  /** `write` once per `key`; `isWritten` looks in Lever, and only when an earlier attempt may have written. */
  async function writeOnce(ref: LeverWriteRef, isWritten: () => Promise<boolean>, write: () => Promise<unknown>): Promise<void> {
    const claim = await claimLeverWrite(deps.db, ref);
    if (claim === 'written') return;
    if (claim === 'first' || !(await isWritten())) await write();
    await markLeverWritten(deps.db, ref);
  }

  function postNoteOnce(client: LeverClient, ref: OpportunityRef, marker: string, note: string): Promise<void> {
    return writeOnce(
      { ...ref, key: `note ${marker}` },
      async () => (await client.listNotes(ref.opportunityId)).some((n) => JSON.stringify(n).includes(marker)),
      () => client.addNote(ref.opportunityId, `${note}\n${marker}`),
    );
  }

  /** A call about the candidate's opportunity: Lever's 404 for it means Lever deleted them (see onOpportunity). */
  const about = <T>(ref: OpportunityRef, fn: (client: LeverClient, scoped: ScopedClient) => Promise<T>) =>
    leverCall(async () => {
      const scoped = await lever(ref.connectionId);
      return onOpportunity(scoped.client, ref.opportunityId, (client) => fn(client, scoped));
    });

  return {
    /**
     * Who the candidate and owner are goes to the console's row in Postgres here, so names and
     * addresses travel in no payload: the workflow gets only what it decides on.
     * A confidential candidate (or posting) Lever refuses to this key is an answer, not a failure.
     */
    async readCandidate(input: OpportunityRef & { triggerStageId: string | null }): Promise<CandidateRead> {
      return about(input, async (client, { scope }) => {
        const opp = await unlessConfidential(client, '/opportunities', () => client.getOpportunity(input.opportunityId));
        if (isRefusal(opp)) return opp;
        const postingId = postingOf(opp);
        // Candidates moved at once on one posting share one read of it (a refusal is not kept: see ReadCache).
        const readPosting = () => heartbeatWhile(postings.read(`${scope}/${postingId}`, () => client.getPosting(postingId!)));
        const posting = postingId ? await unlessConfidential(client, '/postings', readPosting) : undefined;
        if (posting && isRefusal(posting)) return posting;
        const owner = typeof opp.owner === 'string' ? await client.getUser(opp.owner) : opp.owner ?? undefined;
        const people = {
          candidateName: opp.name ?? 'the candidate',
          candidateEmail: opp.emails[0] ?? null,
          // A mobile first: texts read it from Postgres.
          candidatePhone: (opp.phones.find((p) => p.type === 'mobile') ?? opp.phones[0])?.value ?? null,
          postingTitle: posting?.text ?? null,
          ownerName: owner?.name ?? null,
          ownerEmail: owner?.email ?? null,
        };
        await setCheckCandidate(deps.db, { ...callingWorkflow(), ...people });
        return {
          inTriggerStage: stageOf(opp) === input.triggerStageId,
          archived: isArchived(opp),
          hasEmail: people.candidateEmail !== null,
          hasOwnerEmail: people.ownerEmail !== null,
          postingTags: [...new Set([...(posting?.tags ?? []), ...opp.tags])],
        };
      });
    },

    /**
     * The opportunity as Lever shows it now: archived (with whether the reason is a hire), active,
     * or gone (404). What confirms, or not, a webhook's hint.
     */
    async readOpportunityState(input: OpportunityRef): Promise<OpportunityState> {
      return leverCall(async () => {
        const scoped = await lever(input.connectionId);
        const { client } = scoped;
        let opp: Opportunity;
        try {
          opp = await client.getOpportunity(input.opportunityId);
        } catch (err) {
          if (isNotFound(err)) return { state: 'deleted' };
          if (await refusedAsConfidential(client, err, '/opportunities')) return { state: 'unreadable' };
          throw err;
        }
        if (!isArchived(opp)) return { state: 'active' };
        const reason = opp.archived?.reason;
        return { state: 'archived', hired: reason ? (await archiveReason(scoped, (r) => r.id === reason))?.type === 'hired' : false };
      });
    },

    async postNote(input: NoteInput): Promise<void> {
      return about(input, (client) => postNoteOnce(client, { connectionId: input.connectionId, opportunityId: input.opportunityId }, input.marker, input.note));
    },

    /** The report link on the opportunity, then the summary note with the link: each exactly once. */
    async publishReport(input: PublishInput): Promise<void> {
      const reportUrl = await findReportLink(deps.db, deps.box, input.requestId);
      if (!reportUrl) throw new RecordNotFound(`the report link of request ${input.requestId}`);
      return about(input, async (client) => {
        const ref = { connectionId: input.connectionId, opportunityId: input.opportunityId };
        await writeOnce(
          { ...ref, key: `link ${input.marker}` },
          async () => (await client.getOpportunity(input.opportunityId)).links.includes(reportUrl),
          () => client.addLinks(input.opportunityId, [reportUrl]),
        );
        await postNoteOnce(client, ref, input.marker, `${input.summary}. Report: ${reportUrl}`);
      });
    },

    async syncHireOutcome(input: HireSyncInput): Promise<void> {
      return about(input, async (client, scoped) => {
        const ref = { connectionId: input.connectionId, opportunityId: input.opportunityId };
        await postNoteOnce(client, ref, input.marker, input.note);
        await writeOnce(
          { ...ref, key: `tags ${input.marker}` },
          async () => {
            const tags = (await client.getOpportunity(input.opportunityId)).tags;
            return input.tags.every((t) => tags.includes(t));
          },
          () => client.addTags(input.opportunityId, input.tags),
        );
        // Whether to archive is Lever's state now, read fresh: a candidate archived meanwhile is left as Lever has them.
        if (input.archiveAsHired && !isArchived(await client.getOpportunity(input.opportunityId))) {
          const reason = await archiveReason(scoped, (r) => r.type === 'hired');
          if (!reason) throw ApplicationFailure.nonRetryable('this Lever account has no "hired" archive reason', 'LeverNoHiredReason');
          await client.archive(input.opportunityId, reason.id);
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
  return (await leverFor(deps, connectionId)).client;
}

/** A connection's client, and the scope its cached reads are kept under (the connection and its key: another key may see other records). */
type ScopedClient = { client: LeverClient; scope: string };

async function leverFor(deps: ActivityDeps, connectionId: string): Promise<ScopedClient> {
  const connection = await findConnection(deps.db, deps.box, connectionId);
  if (!connection) throw ApplicationFailure.nonRetryable(`connection ${connectionId} no longer exists`, 'ConnectionNotFound');
  const { leverRequestsPerSecond: ratePerSecond, leverBurst: burst, leverSlotHorizonMs: horizonMs } = deps.settings;
  const client = new LeverClient({
    baseUrl: connection.leverBaseUrl,
    apiKey: connection.apiKey,
    confidential: connection.confidentialAccess,
    beforeRequest: async () => {
      await takeLeverSlot(deps.db, connection.apiKeyFingerprint, { ratePerSecond, burst, horizonMs }, { heartbeat: () => heartbeat(), signal: cancellationSignal() });
    },
    timeoutMs: 10_000,
  });
  return { client, scope: `${connection.id}/${connection.apiKeyFingerprint}` };
}

/**
 * Waits for a read another activity may have started (see ReadCache), heartbeating meanwhile: that
 * read's rate-limit wait heartbeats for its own activity only.
 */
async function heartbeatWhile<T>(read: Promise<T>): Promise<T> {
  const beat = setInterval(() => heartbeat(), 2_000);
  try {
    return await read;
  } finally {
    clearInterval(beat);
  }
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

/**
 * Runs a step on the candidate's opportunity. A 404 on the way (the opportunity, its notes, its
 * files...) is checked against the opportunity itself: if Lever has no such opportunity any more,
 * Lever deleted the candidate, and the step ends with that outcome rather than a failure.
 */
export async function onOpportunity<T>(client: LeverClient, opportunityId: string, fn: (client: LeverClient) => Promise<T>): Promise<T> {
  try {
    return await fn(client);
  } catch (err) {
    if (isNotFound(err) && (await isGone(client, opportunityId))) throw opportunityDeleted();
    throw err;
  }
}

async function isGone(client: LeverClient, opportunityId: string): Promise<boolean> {
  try {
    await client.getOpportunity(opportunityId);
    return false;
  } catch (err) {
    if (isNotFound(err)) return true;
    throw err;
  }
}

const isNotFound = (err: unknown) => err instanceof LeverError && err.status === 404;
const stageOf = (o: Opportunity) => (typeof o.stage === 'string' ? o.stage : o.stage?.id);
const isArchived = (o: Opportunity) => Boolean(o.archived?.archivedAt ?? (o as { archivedAt?: number }).archivedAt);
function postingOf(o: Opportunity): string | undefined {
  const app = o.applications[0];
  return typeof app === 'object' ? app.posting ?? undefined : undefined;
}
