import type { Db } from './pool';
import type { SecretBox } from '../secrets';

export const WEBHOOK_EVENTS = ['candidateStageChange', 'candidateHired', 'candidateArchiveChange', 'candidateDeleted'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export type HireSync = 'note-and-tag' | 'archive-as-hired';

/** A connection as the rest of the code sees it: secrets opened, never to be logged. */
export type Connection = {
  id: string;
  name: string;
  leverBaseUrl: string;
  apiKey: string;
  apiKeyFingerprint: string;
  /** null until an admin picks it in the console: the connection starts nothing until then */
  triggerStageId: string | null;
  hireConfirmationDelaySeconds: number;
  ownerAnswerTimeoutSeconds: number;
  hireSync: HireSync;
  /** the admin ticked "This key has confidential data access" in the console (Lever sets it only when a key is made) */
  confidentialAccess: boolean;
};

/** Connections made outside the console (CLI, tests) start without confidential access; the console sets it. */
export type NewConnection = Omit<Connection, 'apiKeyFingerprint' | 'confidentialAccess'> & { signingTokens: Partial<Record<WebhookEvent, string>>; organisationId?: string | null };

type Row = {
  id: string; name: string; lever_base_url: string; api_key_sealed: string; api_key_fingerprint: string;
  trigger_stage_id: string | null; enabled: boolean; hire_confirmation_delay_seconds: number; owner_answer_timeout_seconds: number; hire_sync: HireSync;
  confidential_access: boolean;
};

export async function insertConnection(db: Db, box: SecretBox, c: NewConnection): Promise<void> {
  await db.withTransaction(async (tx) => {
    await tx.query(
      `insert into lever_connections (id, name, lever_base_url, api_key_sealed, api_key_fingerprint, api_key_hint, trigger_stage_id,
         hire_confirmation_delay_seconds, owner_answer_timeout_seconds, hire_sync, organisation_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [c.id, c.name, c.leverBaseUrl, box.seal(c.apiKey), box.fingerprint(c.apiKey), apiKeyHint(c.apiKey), c.triggerStageId,
        c.hireConfirmationDelaySeconds, c.ownerAnswerTimeoutSeconds, c.hireSync, c.organisationId ?? null],
    );
    for (const [event, token] of Object.entries(c.signingTokens)) {
      if (!token) continue;
      await tx.query('insert into lever_webhook_tokens (connection_id, event, token_sealed) values ($1, $2, $3)', [c.id, event, box.seal(token)]);
    }
  });
  connectionChanged(c.id);
}

export async function findConnection(db: Db, box: SecretBox, id: string): Promise<Connection | undefined> {
  const [row] = await db.query<Row>('select * from lever_connections where id = $1', [id]);
  if (!row) return undefined;
  return {
    id: row.id,
    name: row.name,
    leverBaseUrl: row.lever_base_url,
    apiKey: box.open(row.api_key_sealed),
    apiKeyFingerprint: row.api_key_fingerprint,
    triggerStageId: row.trigger_stage_id,
    hireConfirmationDelaySeconds: row.hire_confirmation_delay_seconds,
    ownerAnswerTimeoutSeconds: row.owner_answer_timeout_seconds,
    hireSync: row.hire_sync,
    confidentialAccess: row.confidential_access,
  };
}

/** What the ingress needs for one delivery: the connection's settings and this event's token. */
export type WebhookTarget = Omit<Connection, 'apiKey' | 'apiKeyFingerprint' | 'leverBaseUrl' | 'confidentialAccess'> & { signingToken: string | null; enabled: boolean };
/** The same for every event of the connection at once: what the ingress caches (src/http/webhook-targets.ts). */
export type WebhookTargets = Omit<WebhookTarget, 'signingToken'> & { signingTokens: Partial<Record<WebhookEvent, string>> };

export async function findWebhookTarget(db: Db, box: SecretBox, connectionId: string, event: string): Promise<WebhookTarget | undefined> {
  const targets = await findWebhookTargets(db, box, connectionId);
  return targets && webhookTargetFor(targets, event);
}

export function webhookTargetFor({ signingTokens, ...settings }: WebhookTargets, event: string): WebhookTarget {
  return { ...settings, signingToken: signingTokens[event as WebhookEvent] ?? null };
}

/** One query: the connection's settings and every webhook's token (sealed, opened here). */
export async function findWebhookTargets(db: Db, box: SecretBox, connectionId: string): Promise<WebhookTargets | undefined> {
  const [row] = await db.query<Row & { tokens: { event: WebhookEvent; sealed: string }[] | null }>(
    `select c.*, (select json_agg(json_build_object('event', t.event, 'sealed', t.token_sealed)) from lever_webhook_tokens t where t.connection_id = c.id) as tokens
       from lever_connections c where c.id = $1`,
    [connectionId],
  );
  if (!row) return undefined;
  return {
    id: row.id,
    name: row.name,
    triggerStageId: row.trigger_stage_id,
    hireConfirmationDelaySeconds: row.hire_confirmation_delay_seconds,
    ownerAnswerTimeoutSeconds: row.owner_answer_timeout_seconds,
    hireSync: row.hire_sync,
    enabled: row.enabled,
    signingTokens: Object.fromEntries((row.tokens ?? []).map((t) => [t.event, box.open(t.sealed)])),
  };
}

/*
 * Changes to a connection's webhook settings, told to this process's ingress caches at once.
 * Every write to a connection's name, trigger stage, enabled flag, hire settings or webhook tokens
 * calls connectionChanged (here and in console-connections.ts); other processes (the CLI, another
 * api) are bounded by the cache's TTL instead.
 */
const connectionListeners = new Set<(connectionId: string) => void>();
export function onConnectionChanged(listener: (connectionId: string) => void): () => void {
  connectionListeners.add(listener);
  return () => connectionListeners.delete(listener);
}
export function connectionChanged(connectionId: string): void {
  for (const listener of connectionListeners) listener(connectionId);
}

/** The connection's display name (the company), without opening any sealed secret. */
export async function findCompanyName(db: Db, connectionId: string): Promise<string | undefined> {
  const [row] = await db.query<{ name: string }>('select name from lever_connections where id = $1', [connectionId]);
  return row?.name;
}

/** The API key's last four characters: enough for an admin to tell which key is set, never enough to use it. */
export const apiKeyHint = (key: string) => key.slice(-4);
