import { z } from 'zod';

/* ---- Webhooks (lever-api.md section 1): everything but opportunityId is optional in `data`. ---- */

/**
 * Epoch ms from 2012 (before any Lever webhook) to 2100: a bound here, so that a signed but absurd
 * `triggeredAt` (up to 2^53) is a 400 and not an invalid Date thrown later. The ingress's own
 * window (WEBHOOK_MAX_AGE_SECONDS) is the real freshness check.
 */
const TriggeredAt = z.number().int().min(Date.UTC(2012, 0, 1)).max(Date.UTC(2100, 0, 1));

/** The signed part of every delivery: enough to check freshness and replay before `data` is read. */
export const WebhookEnvelope = z.object({ triggeredAt: TriggeredAt, token: z.string().min(1), event: z.string() });

const Envelope = { triggeredAt: TriggeredAt, token: z.string().min(1), signature: z.string() };

export const StageChangeEvent = z.object({
  ...Envelope,
  event: z.literal('candidateStageChange'),
  data: z.object({ opportunityId: z.string().min(1), toStageId: z.string().min(1), fromStageId: z.string().nullish() }),
});

/** Lever's "verify connection" button sends candidateHired with `data: {}`. */
export const HiredEvent = z.object({
  ...Envelope,
  event: z.literal('candidateHired'),
  data: z.union([z.object({ opportunityId: z.string().min(1) }), z.object({}).strict()]),
});

export const ArchiveChangeEvent = z.object({
  ...Envelope,
  event: z.literal('candidateArchiveChange'),
  data: z.object({
    opportunityId: z.string().min(1),
    toArchived: z.object({ archivedAt: z.number().optional(), reason: z.string().optional() }).nullish(),
  }),
});

export const DeletedEvent = z.object({
  ...Envelope,
  event: z.literal('candidateDeleted'),
  data: z.object({ opportunityId: z.string().min(1) }),
});

export const WebhookBody = z.discriminatedUnion('event', [StageChangeEvent, HiredEvent, ArchiveChangeEvent, DeletedEvent]);
export type WebhookBody = z.infer<typeof WebhookBody>;

/* ---- REST responses (lever-api.md section 4); unknown fields pass through untouched. ---- */

const IdOrObject = z.union([z.string(), z.object({ id: z.string() }).loose()]);
export const User = z.object({ id: z.string(), name: z.string().nullish(), email: z.string().nullish() }).loose();
export type User = z.infer<typeof User>;

export const Opportunity = z
  .object({
    id: z.string(),
    name: z.string().nullish(),
    emails: z.array(z.string()).default([]),
    phones: z.array(z.object({ value: z.string(), type: z.string().nullish() }).loose()).default([]),
    stage: IdOrObject.nullish(),
    tags: z.array(z.string()).default([]),
    links: z.array(z.string()).default([]),
    owner: z.union([z.string(), User]).nullish(),
    applications: z.array(z.union([z.string(), z.object({ id: z.string(), posting: z.string().nullish() }).loose()])).default([]),
    archived: z.object({ archivedAt: z.number().nullish(), reason: z.string().nullish() }).nullish(),
  })
  .loose();
export type Opportunity = z.infer<typeof Opportunity>;

export const Posting = z.object({ id: z.string(), text: z.string().nullish(), tags: z.array(z.string()).default([]) }).loose();
export type Posting = z.infer<typeof Posting>;

export const Note = z.object({ id: z.string(), value: z.string().nullish(), fields: z.array(z.object({ value: z.unknown() }).loose()).optional() }).loose();
export type Note = z.infer<typeof Note>;

export const Stage = z.object({ id: z.string(), text: z.string() }).loose();
export type Stage = z.infer<typeof Stage>;

export const ArchiveReason = z.object({ id: z.string(), text: z.string(), type: z.string().optional() }).loose();

export const LeverErrorBody = z.object({ code: z.string(), message: z.string() }).loose();

/** A file on an opportunity: Lever documents `{id, name, ext, size, uploadedAt, downloadUrl}`. */
export const LeverFile = z.object({ id: z.string(), name: z.string(), size: z.number().nullish() }).loose();
export type LeverFile = z.infer<typeof LeverFile>;

export const dataOf = <T extends z.ZodTypeAny>(item: T) => z.object({ data: item });
export const pageOf = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ data: z.array(item), hasNext: z.boolean().optional(), next: z.string().nullish() });
