import type { Db } from './pool';
import type { SecretBox } from '../secrets';
import { apiKeyHint, connectionChanged, WEBHOOK_EVENTS, type HireSync, type WebhookEvent } from './connections';

/**
 * Connections as the console sees them: always within one organisation, secrets never opened
 * for display (the key's last four characters and whether each token is set are enough).
 */
export type ConnectionSummary = {
  id: string; name: string; leverBaseUrl: string; enabled: boolean; triggerStageId: string | null; apiKeyHint: string | null;
  confidentialAccess: boolean; hireConfirmationDelaySeconds: number; ownerAnswerTimeoutSeconds: number; hireSync: HireSync;
  tokensSet: WebhookEvent[]; runningChecks: number;
  /** days a concluded check's personal data is kept (src/db/retention.ts) */
  retentionDays: number;
};

type Row = {
  id: string; name: string; lever_base_url: string; enabled: boolean; trigger_stage_id: string | null; api_key_hint: string | null;
  confidential_access: boolean; hire_confirmation_delay_seconds: number; owner_answer_timeout_seconds: number; hire_sync: HireSync;
  tokens: WebhookEvent[] | null; running: string; retention_days: number;
};

const SELECT = `select c.id, c.name, c.lever_base_url, c.enabled, c.trigger_stage_id, c.api_key_hint, c.confidential_access,
    c.hire_confirmation_delay_seconds, c.owner_answer_timeout_seconds, c.hire_sync, c.retention_days,
    (select array_agg(t.event order by t.event) from lever_webhook_tokens t where t.connection_id = c.id) as tokens,
    (select count(*) from checks k where k.connection_id = c.id and k.finished_at is null) as running
  from lever_connections c`;

const toSummary = (r: Row): ConnectionSummary => ({
  id: r.id, name: r.name, leverBaseUrl: r.lever_base_url, enabled: r.enabled, triggerStageId: r.trigger_stage_id, apiKeyHint: r.api_key_hint,
  confidentialAccess: r.confidential_access, hireConfirmationDelaySeconds: r.hire_confirmation_delay_seconds,
  ownerAnswerTimeoutSeconds: r.owner_answer_timeout_seconds, hireSync: r.hire_sync, tokensSet: r.tokens ?? [], runningChecks: Number(r.running),
  retentionDays: r.retention_days,
});

export async function listOrgConnections(db: Db, organisationId: string): Promise<ConnectionSummary[]> {
  return (await db.query<Row>(`${SELECT} where c.organisation_id = $1 order by c.created_at`, [organisationId])).map(toSummary);
}

export async function findOrgConnection(db: Db, organisationId: string, id: string): Promise<ConnectionSummary | undefined> {
  const [row] = await db.query<Row>(`${SELECT} where c.organisation_id = $1 and c.id = $2`, [organisationId, id]);
  return row ? toSummary(row) : undefined;
}

/** The API key, opened only to call Lever on the admin's behalf (key check, stages, postings). */
export async function openOrgApiKey(db: Db, box: SecretBox, organisationId: string, id: string): Promise<string | undefined> {
  const [row] = await db.query<{ api_key_sealed: string }>('select api_key_sealed from lever_connections where organisation_id = $1 and id = $2', [organisationId, id]);
  return row ? box.open(row.api_key_sealed) : undefined;
}

export type NewOrgConnection = { id: string; organisationId: string; name: string; leverBaseUrl: string; apiKey: string; confidentialAccess: boolean };

/** A connection made in the console: no trigger stage yet (chosen next, from Lever's live list), so it starts nothing. */
export async function insertOrgConnection(db: Db, box: SecretBox, c: NewOrgConnection): Promise<void> {
  await db.query(
    `insert into lever_connections (id, organisation_id, name, lever_base_url, api_key_sealed, api_key_fingerprint, api_key_hint, confidential_access, trigger_stage_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, null)`,
    [c.id, c.organisationId, c.name, c.leverBaseUrl, box.seal(c.apiKey), box.fingerprint(c.apiKey), apiKeyHint(c.apiKey), c.confidentialAccess],
  );
  connectionChanged(c.id);
}

/** Name, environment, confidential access and, when given, a new API key (a rotation keeps the URLs). */
export async function updateLeverAccount(db: Db, box: SecretBox, organisationId: string, id: string, u: { name: string; leverBaseUrl: string; confidentialAccess: boolean; apiKey?: string }): Promise<boolean> {
  const key = u.apiKey;
  const rows = await db.query(
    `update lever_connections set name = $3, lever_base_url = $4, confidential_access = $5,
        api_key_sealed = coalesce($6, api_key_sealed), api_key_fingerprint = coalesce($7, api_key_fingerprint), api_key_hint = coalesce($8, api_key_hint),
        updated_at = now()
      where organisation_id = $1 and id = $2 returning id`,
    [organisationId, id, u.name, u.leverBaseUrl, u.confidentialAccess, key ? box.seal(key) : null, key ? box.fingerprint(key) : null, key ? apiKeyHint(key) : null],
  );
  connectionChanged(id);
  return rows.length === 1;
}

export async function setTriggerStage(db: Db, organisationId: string, id: string, stageId: string): Promise<boolean> {
  const rows = await db.query('update lever_connections set trigger_stage_id = $3, updated_at = now() where organisation_id = $1 and id = $2 returning id', [organisationId, id, stageId]);
  connectionChanged(id);
  return rows.length === 1;
}

export async function setEnabled(db: Db, organisationId: string, id: string, enabled: boolean): Promise<boolean> {
  const rows = await db.query('update lever_connections set enabled = $3, updated_at = now() where organisation_id = $1 and id = $2 returning id', [organisationId, id, enabled]);
  connectionChanged(id);
  return rows.length === 1;
}

export async function updateHireSettings(db: Db, organisationId: string, id: string, h: { hireConfirmationDelaySeconds: number; ownerAnswerTimeoutSeconds: number; hireSync: HireSync }): Promise<boolean> {
  const rows = await db.query(
    `update lever_connections set hire_confirmation_delay_seconds = $3, owner_answer_timeout_seconds = $4, hire_sync = $5, updated_at = now()
      where organisation_id = $1 and id = $2 returning id`,
    [organisationId, id, h.hireConfirmationDelaySeconds, h.ownerAnswerTimeoutSeconds, h.hireSync],
  );
  connectionChanged(id);
  return rows.length === 1;
}

/** The connection's retention; the sweep applies it to checks already concluded too. */
export async function updateRetention(db: Db, organisationId: string, id: string, retentionDays: number): Promise<boolean> {
  const rows = await db.query('update lever_connections set retention_days = $3, updated_at = now() where organisation_id = $1 and id = $2 returning id', [organisationId, id, retentionDays]);
  return rows.length === 1;
}

/** Sets (or replaces) signing tokens; events not given keep theirs. The connection must be the organisation's. */
export async function setWebhookTokens(db: Db, box: SecretBox, organisationId: string, id: string, tokens: Partial<Record<WebhookEvent, string>>): Promise<boolean> {
  const changed = await db.withTransaction(async (tx) => {
    const owned = await tx.query('select 1 from lever_connections where organisation_id = $1 and id = $2 for update', [organisationId, id]);
    if (owned.rowCount !== 1) return false;
    for (const [event, token] of Object.entries(tokens)) {
      if (!token) continue;
      await tx.query(
        `insert into lever_webhook_tokens (connection_id, event, token_sealed) values ($1, $2, $3)
         on conflict (connection_id, event) do update set token_sealed = excluded.token_sealed`,
        [id, event, box.seal(token)],
      );
    }
    await tx.query('update lever_connections set updated_at = now() where id = $1', [id]);
    return true;
  });
  connectionChanged(id);
  return changed;
}

/**
 * Deletes a connection with its templates and records, but never while one of its checks runs:
 * the admin cancels those first (each with a note in Lever), so no candidate is dropped silently.
 */
export async function deleteOrgConnection(db: Db, organisationId: string, id: string): Promise<'deleted' | 'not-found' | 'checks-running'> {
  const outcome = await db.withTransaction(async (tx): Promise<'deleted' | 'not-found' | 'checks-running'> => {
    const owned = await tx.query('select 1 from lever_connections where organisation_id = $1 and id = $2 for update', [organisationId, id]);
    if (owned.rowCount !== 1) return 'not-found';
    const running = await tx.query('select 1 from checks where connection_id = $1 and finished_at is null limit 1', [id]);
    if (running.rowCount) return 'checks-running';
    await tx.query('delete from lever_connections where id = $1', [id]);
    return 'deleted';
  });
  connectionChanged(id);
  return outcome;
}

export type WebhookStatus = { event: WebhookEvent; lastDelivery: { at: Date; outcome: string; httpStatus: number } | null; pingAt: Date | null };

/** Per webhook: its last delivery and the last time Lever's "Verify the connection" reached it. */
export async function webhookStatuses(db: Db, connectionId: string): Promise<WebhookStatus[]> {
  const rows = await db.query<{ event: WebhookEvent; received_at: Date; outcome: string; http_status: number; ping_at: Date | null }>(
    `select e.event, d.received_at, d.outcome, d.http_status,
            (select max(p.received_at) from webhook_deliveries p where p.connection_id = $1 and p.event = e.event and p.outcome = 'ping') as ping_at
       from unnest($2::text[]) as e(event)
       left join lateral (select received_at, outcome, http_status from webhook_deliveries w
                           where w.connection_id = $1 and w.event = e.event order by w.id desc limit 1) d on true`,
    [connectionId, [...WEBHOOK_EVENTS]],
  );
  return rows.map((r) => ({ event: r.event, lastDelivery: r.received_at ? { at: r.received_at, outcome: r.outcome, httpStatus: r.http_status } : null, pingAt: r.ping_at }));
}

