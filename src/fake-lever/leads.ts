import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { badRequest, type Opportunity, type Store } from './store';

/**
 * `POST /opportunities?perform_as=<userId>` (lever-api.md section 4). Lever dedupes by email: a
 * lead whose email matches an existing contact becomes a new opportunity on that contact.
 */
const ORIGINS = ['agency', 'applied', 'internal', 'referred', 'sourced', 'university'] as const;
const strings = z.array(z.string().min(1)).optional();

export const LeadBody = z.object({
  name: z.string().trim().min(1).optional(),
  headline: z.string().optional(),
  stage: z.string().min(1).optional(),
  location: z.string().optional(),
  phones: z.array(z.object({ value: z.string().min(1), type: z.string().optional() })).optional(),
  emails: z.array(z.string().trim().min(3).includes('@')).optional(),
  links: strings,
  tags: strings,
  sources: strings,
  origin: z.enum(ORIGINS).optional(),
  owner: z.string().min(1).optional(),
  followers: strings,
  postings: z.array(z.string().min(1)).max(1, 'Lever accepts at most one posting per opportunity').optional(),
  createdAt: z.number().int().positive().optional(),
  archived: z.object({ archivedAt: z.number().int().positive().optional(), reason: z.string().min(1) }).optional(),
  contact: z.string().min(1).optional(),
});
export type LeadBody = z.infer<typeof LeadBody>;

/** References in the body that do not exist are the caller's mistake: 400, not 404. */
function check(ok: boolean, message: string): void {
  if (!ok) throw badRequest(message);
}

export function createLead(store: Store, body: LeadBody, performAs: string): Opportunity {
  check(body.name !== undefined || (body.emails?.length ?? 0) > 0, 'a new opportunity needs a name or an email');
  const stage = body.stage ?? 'stage-lead';
  check(store.stages.some((s) => s.id === stage), `stage ${stage} does not exist`);
  for (const u of [body.owner, ...(body.followers ?? [])]) check(u === undefined || store.users.has(u), `user ${u} does not exist`);
  const postingId = body.postings?.[0];
  check(postingId === undefined || store.postings.has(postingId), `posting ${postingId} does not exist`);
  const reason = body.archived?.reason;
  check(reason === undefined || store.archiveReasons.some((r) => r.id === reason), `archive reason ${reason} does not exist`);
  if (body.createdAt !== undefined && body.createdAt > Date.now()) throw badRequest('createdAt must not be in the future');

  const existing = body.contact !== undefined ? contactById(store, body.contact) : contactByEmail(store, body.emails ?? []);
  check(body.contact === undefined || existing !== null, `contact ${body.contact} does not exist`);
  const emails = [...(existing?.emails ?? []), ...(body.emails ?? [])].filter((e, i, all) => all.findIndex((x) => x.toLowerCase() === e.toLowerCase()) === i);
  const id = randomUUID();
  const opp = store.addOpportunity({
    id,
    name: body.name ?? existing?.name ?? emails[0],
    headline: body.headline,
    emails,
    phones: body.phones?.map((p) => ({ value: p.value, type: p.type ?? null })),
    location: body.location,
    stage,
    tags: body.tags,
    sources: body.sources,
    // Undocumented default: a lead added over the API without an origin is taken as sourced.
    origin: body.origin ?? 'sourced',
    owner: body.owner,
    followers: body.followers,
    postingId,
    links: body.links,
    contact: existing?.contact ?? `contact-${randomUUID()}`,
    createdAt: body.createdAt,
  });
  opp.stageChanges[0].userId = performAs;
  if (reason !== undefined) {
    store.setArchived(id, reason);
    if (body.archived?.archivedAt !== undefined) opp.archived = { archivedAt: body.archived.archivedAt, reason };
  }
  return opp;
}

function contactById(store: Store, contact: string): Opportunity | null {
  return [...store.opportunities.values()].find((o) => o.contact === contact) ?? null;
}

/** Lever matches emails case-insensitively, as its email lookups do. */
function contactByEmail(store: Store, emails: string[]): Opportunity | null {
  const wanted = new Set(emails.map((e) => e.toLowerCase()));
  if (wanted.size === 0) return null;
  return [...store.opportunities.values()].find((o) => o.emails.some((e) => wanted.has(e.toLowerCase()))) ?? null;
}
