import type { Db } from './pool';

/** The timeline of a request, as the report shows it: what happened, to whom (a referee id), when. */
export type RequestEventKind =
  | 'opened' | 'candidate-invited' | 'candidate-reminded' | 'consented' | 'nominated' | 'referee-invited' | 'referee-reminded'
  | 'referee-opened' | 'referee-answered' | 'referee-declined' | 'referee-expired' | 'referee-replaced' | 'candidate-expired' | 'concluded'
  | 'candidate-invitation-resent' | 'referee-invitation-resent';

export type RequestEvent = { kind: RequestEventKind; refereeId: string | null; at: Date };

export async function recordEvent(db: Db, requestId: string, kind: RequestEventKind, refereeId: string | null = null, dedupeKey: string | null = null): Promise<void> {
  await db.query('insert into request_events (request_id, referee_id, kind, dedupe_key) values ($1, $2, $3, $4) on conflict (dedupe_key) do nothing', [requestId, refereeId, kind, dedupeKey]);
}

export async function listEvents(db: Db, requestId: string): Promise<RequestEvent[]> {
  const rows = await db.query<{ kind: RequestEventKind; referee_id: string | null; at: Date }>(
    'select kind, referee_id, at from request_events where request_id = $1 order by id', [requestId],
  );
  return rows.map((r) => ({ kind: r.kind, refereeId: r.referee_id, at: r.at }));
}
