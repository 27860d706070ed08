import { randomBytes } from 'node:crypto';
import { insertConnection, type HireSync, type WebhookEvent } from '../db/connections';
import type { Db } from '../db/pool';
import { insertTemplate } from '../db/templates';
import type { SecretBox } from '../secrets';

export const LEVER_HOSTS = { production: 'https://api.lever.co/v1', sandbox: 'https://api.sandbox.lever.co/v1' } as const;
const DAY = 24 * 60 * 60;

export type CreateConnectionInput = {
  name: string;
  leverBaseUrl: string;
  apiKey: string;
  triggerStageId: string;
  signingTokens: Partial<Record<WebhookEvent, string>>;
  hireConfirmationDelaySeconds?: number;
  ownerAnswerTimeoutSeconds?: number;
  hireSync?: HireSync;
  defaultTemplate?: { name: string; requiredReferences: number; deadlineSeconds: number; atsTag?: string | null };
};

/** Stores a connection (secrets sealed) and its default template; returns the URLs to paste into Lever. */
export async function createConnection(db: Db, box: SecretBox, publicUrl: string, input: CreateConnectionInput) {
  const id = `c_${randomBytes(8).toString('hex')}`;
  await insertConnection(db, box, {
    id,
    name: input.name,
    leverBaseUrl: input.leverBaseUrl,
    apiKey: input.apiKey,
    triggerStageId: input.triggerStageId,
    signingTokens: input.signingTokens,
    hireConfirmationDelaySeconds: input.hireConfirmationDelaySeconds ?? 14 * DAY,
    ownerAnswerTimeoutSeconds: input.ownerAnswerTimeoutSeconds ?? 30 * DAY,
    hireSync: input.hireSync ?? 'note-and-tag',
  });
  const t = input.defaultTemplate ?? { name: 'Standard reference check', requiredReferences: 2, deadlineSeconds: 14 * DAY };
  await insertTemplate(db, id, { id: `t_${randomBytes(8).toString('hex')}`, name: t.name, atsTag: t.atsTag ?? null, isDefault: !t.atsTag, requiredReferences: t.requiredReferences, deadlineSeconds: t.deadlineSeconds });
  return { id, webhookUrls: webhookUrls(publicUrl, id, Object.keys(input.signingTokens) as WebhookEvent[]) };
}

export const webhookUrl = (publicUrl: string, connectionId: string, event: WebhookEvent) => `${publicUrl.replace(/\/$/, '')}/webhooks/lever/${connectionId}/${event}`;

function webhookUrls(publicUrl: string, connectionId: string, events: WebhookEvent[]) {
  return Object.fromEntries(events.map((e) => [e, webhookUrl(publicUrl, connectionId, e)])) as Partial<Record<WebhookEvent, string>>;
}
