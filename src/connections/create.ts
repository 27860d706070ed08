import { randomBytes } from 'node:crypto';
import { insertConnection, type HireSync, type WebhookEvent } from '../db/connections';
import type { Db } from '../db/pool';
import { leverBaseUrlProblem } from '../lever/base-url';
import type { SecretBox } from '../secrets';
import { TemplateSettings } from '../templates/schema';
import { seedDefaultTemplate } from '../templates/seed';
import { defaultTemplateSettings } from '../templates/surveys';

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
  // Built (and validated) before anything is stored: a bad --references leaves no half-made connection.
  const template = input.defaultTemplate ? fromOption(input.defaultTemplate) : {};
  const urlProblem = leverBaseUrlProblem(input.leverBaseUrl);
  if (urlProblem) throw new Error(`--lever: ${urlProblem}`);
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
  await seedDefaultTemplate(db, id, template);
  return { id, webhookUrls: webhookUrls(publicUrl, id, Object.keys(input.signingTokens) as WebhookEvent[]) };
}

/** The CLI's --references/--deadline-days: any relationship, one deadline for candidate and referees alike. */
function fromOption(t: NonNullable<CreateConnectionInput['defaultTemplate']>) {
  const n = t.requiredReferences;
  const settings = TemplateSettings.parse(defaultTemplateSettings({
    description: `${n} reference${n === 1 ? '' : 's'}, any relationship, answering the general survey.`,
    referees: [{ relationship: 'any', required: n, optional: 0 }],
    deadlines: { candidateSeconds: t.deadlineSeconds, refereeSeconds: t.deadlineSeconds },
  }));
  // deadline_seconds keeps the value given: requests opened by the pre-settings path read it as is.
  return { name: t.name, atsTag: t.atsTag ?? null, settings, deadlineSeconds: t.deadlineSeconds };
}

export const webhookUrl = (publicUrl: string, connectionId: string, event: WebhookEvent) => `${publicUrl.replace(/\/$/, '')}/webhooks/lever/${connectionId}/${event}`;

function webhookUrls(publicUrl: string, connectionId: string, events: WebhookEvent[]) {
  return Object.fromEntries(events.map((e) => [e, webhookUrl(publicUrl, connectionId, e)])) as Partial<Record<WebhookEvent, string>>;
}
