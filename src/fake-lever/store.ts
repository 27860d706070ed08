import { randomUUID } from 'node:crypto';

/**
 * In-memory state of the fake Lever account. Mutations are shared by the HTTP routes and the
 * seeding helpers, so a seeded record and one written over HTTP look the same when read back.
 * Everything here is synchronous: a "request" either fully commits or changes nothing.
 */

/** An error the routes render as Lever's `{code, message}` body with `status`. */
export class LeverFault extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'LeverFault';
  }
}
export const notFound = (kind: string, id: string) => new LeverFault(404, 'ResourceNotFound', `${kind} ${id} was not found`);
export const badRequest = (message: string) => new LeverFault(400, 'BadRequestError', message);

export type Stage = { id: string; text: string };
export type ArchiveReason = { id: string; text: string; status: 'active'; type: 'hired' | 'non-hired' };
export type User = { id: string; name: string; email: string; createdAt: number };
export type Categories = { team: string | null; location: string | null; commitment: string | null; department: string | null };
export type Posting = { id: string; text: string; tags: string[]; owner: string | null; hiringManager: string | null; categories: Categories; createdAt: number; updatedAt: number };
export type Note = { id: string; value: string; secret: boolean; score: number | null; user: string | null; createdAt: number };
export type Archived = { archivedAt: number; reason: string };
export type StageChange = { toStageId: string; userId: string | null; updatedAt: number };
export type Opportunity = {
  id: string;
  name: string;
  headline: string;
  /** Lever keeps links on the contact (person), so they show on all of that person's opportunities. */
  contact: string;
  emails: string[];
  stage: string;
  stageChanges: StageChange[];
  /** The opportunity's own tags; the posting's tags are added when it is read (see `tagsOf`). */
  tags: string[];
  origin: string;
  owner: string | null;
  postingId: string | null;
  archived: Archived | null;
  notes: Note[];
  createdAt: number;
  updatedAt: number;
};

export type UserInput = { id: string; name: string; email: string };
export type PostingInput = { id: string; text: string; tags: string[]; owner?: string; hiringManager?: string; categories?: Partial<Categories> };
export type OpportunityInput = {
  id: string;
  name: string;
  emails: string[];
  stage: string;
  tags?: string[];
  /** A user id. */
  owner?: string;
  postingId?: string;
  links?: string[];
  /** Defaults to a contact of its own; give two opportunities the same contact to share links. */
  contact?: string;
  headline?: string;
  origin?: string;
};

/** One API request as received; the API key is deliberately not kept. */
export type RequestRecord = { method: string; path: string; query: string; status: number; at: number };
/** A write the fake committed, including one whose response an `afterWrite` fault then replaced. */
export type WriteRecord = { method: string; path: string; body: unknown };

const unique = (xs: string[]) => [...new Set(xs)];

/** A webhook the fake delivered to a subscriber (see control.ts). */
export type DeliveryRecord = { event: string; url: string; status: number; at: number };

export class Store {
  readonly deliveries: DeliveryRecord[] = [];
  readonly stages: Stage[] = [
    { id: 'stage-new', text: 'New applicant' },
    { id: 'stage-refcheck', text: 'Reference check' },
    { id: 'stage-offer', text: 'Offer' },
  ];
  readonly archiveReasons: ArchiveReason[] = [
    { id: 'reason-hired', text: 'Hired', status: 'active', type: 'hired' },
    { id: 'reason-withdrew', text: 'Withdrew', status: 'active', type: 'non-hired' },
  ];
  readonly users = new Map<string, User>();
  readonly postings = new Map<string, Posting>();
  /** Insertion order is list order, which keeps pagination stable. */
  readonly opportunities = new Map<string, Opportunity>();
  readonly contactLinks = new Map<string, string[]>();
  readonly requests: RequestRecord[] = [];
  readonly writes: WriteRecord[] = [];

  addUser(u: UserInput): User {
    const user = { ...u, createdAt: Date.now() };
    this.users.set(u.id, user);
    return user;
  }

  addPosting(p: PostingInput): Posting {
    if (p.owner) this.user(p.owner);
    if (p.hiringManager) this.user(p.hiringManager);
    const now = Date.now();
    const categories: Categories = { team: null, location: null, commitment: null, department: null, ...p.categories };
    const posting: Posting = { id: p.id, text: p.text, tags: unique(p.tags), owner: p.owner ?? null, hiringManager: p.hiringManager ?? null, categories, createdAt: now, updatedAt: now };
    this.postings.set(p.id, posting);
    return posting;
  }

  addOpportunity(o: OpportunityInput): Opportunity {
    this.stage(o.stage);
    if (o.owner) this.user(o.owner);
    if (o.postingId) this.posting(o.postingId);
    const now = Date.now();
    const opp: Opportunity = {
      id: o.id,
      name: o.name,
      headline: o.headline ?? '',
      contact: o.contact ?? `contact-${o.id}`,
      emails: [...o.emails],
      stage: o.stage,
      stageChanges: [{ toStageId: o.stage, userId: null, updatedAt: now }],
      tags: unique(o.tags ?? []),
      origin: o.origin ?? 'applied',
      owner: o.owner ?? null,
      postingId: o.postingId ?? null,
      archived: null,
      notes: [],
      createdAt: now,
      updatedAt: now,
    };
    this.opportunities.set(o.id, opp);
    if (o.links) this.addLinks(o.id, o.links);
    return opp;
  }

  /* ---- lookups: throw Lever's 404 so routes need no checks of their own ---- */

  opportunity(id: string): Opportunity {
    const o = this.opportunities.get(id);
    if (!o) throw notFound('opportunity', id);
    return o;
  }
  posting(id: string): Posting {
    const p = this.postings.get(id);
    if (!p) throw notFound('posting', id);
    return p;
  }
  user(id: string): User {
    const u = this.users.get(id);
    if (!u) throw notFound('user', id);
    return u;
  }
  stage(id: string): Stage {
    const s = this.stages.find((x) => x.id === id);
    if (!s) throw notFound('stage', id);
    return s;
  }

  linksOf(o: Opportunity): string[] {
    return this.contactLinks.get(o.contact) ?? [];
  }
  /** What Lever shows: the opportunity's own tags plus its posting's, inherited. */
  tagsOf(o: Opportunity): string[] {
    return unique([...o.tags, ...(o.postingId ? this.posting(o.postingId).tags : [])]);
  }
  applicationId(o: Opportunity): string | null {
    return o.postingId ? `application-${o.id}` : null;
  }

  /* ---- mutations ---- */

  addNote(opportunityId: string, n: { value: string; secret?: boolean; score?: number; createdAt?: number; user?: string | null }): Note {
    const o = this.opportunity(opportunityId);
    const note: Note = { id: randomUUID(), value: n.value, secret: n.secret ?? false, score: n.score ?? null, user: n.user ?? null, createdAt: n.createdAt ?? Date.now() };
    o.notes.push(note);
    this.touch(o);
    return note;
  }

  /** An identical link is kept once (Lever's behaviour on duplicates is undocumented). */
  addLinks(opportunityId: string, links: string[]): void {
    const o = this.opportunity(opportunityId);
    this.contactLinks.set(o.contact, unique([...this.linksOf(o), ...links]));
    this.touch(o);
  }
  removeLinks(opportunityId: string, links: string[]): void {
    const o = this.opportunity(opportunityId);
    this.contactLinks.set(o.contact, this.linksOf(o).filter((l) => !links.includes(l)));
    this.touch(o);
  }

  addTags(opportunityId: string, tags: string[]): void {
    const o = this.opportunity(opportunityId);
    o.tags = unique([...o.tags, ...tags]);
    this.touch(o);
  }
  /** Removes own tags only: a tag inherited from the posting stays while the posting has it. */
  removeTags(opportunityId: string, tags: string[]): void {
    const o = this.opportunity(opportunityId);
    o.tags = o.tags.filter((t) => !tags.includes(t));
    this.touch(o);
  }

  setStage(opportunityId: string, stageId: string, userId: string | null = null): void {
    const o = this.opportunity(opportunityId);
    if (!this.stages.some((s) => s.id === stageId)) throw badRequest(`stage ${stageId} does not exist`);
    o.stage = stageId;
    o.stageChanges.push({ toStageId: stageId, userId, updatedAt: Date.now() });
    this.touch(o);
  }

  /** `null` unarchives; any other reason id must exist. */
  setArchived(opportunityId: string, reasonId: string | null): void {
    const o = this.opportunity(opportunityId);
    if (reasonId !== null && !this.archiveReasons.some((r) => r.id === reasonId)) throw badRequest(`archive reason ${reasonId} does not exist`);
    o.archived = reasonId === null ? null : { archivedAt: Date.now(), reason: reasonId };
    this.touch(o);
  }

  private touch(o: Opportunity): void {
    o.updatedAt = Date.now();
  }
}
