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
/** Lever's access roles; `accessRole` on a user is one of these. */
export const ACCESS_ROLES = ['super admin', 'admin', 'team member', 'limited team member', 'interviewer'] as const;
export type AccessRole = (typeof ACCESS_ROLES)[number];
export type User = { id: string; name: string; email: string; accessRole: AccessRole; createdAt: number };
export type Categories = { team: string | null; location: string | null; commitment: string | null; department: string | null };
export const POSTING_STATES = ['published', 'internal', 'closed', 'draft', 'pending', 'rejected'] as const;
export type PostingState = (typeof POSTING_STATES)[number];
export type Posting = {
  id: string;
  text: string;
  state: PostingState;
  /** Confidential postings, and every opportunity on one, need a key with confidential access. */
  confidential: boolean;
  tags: string[];
  owner: string | null;
  hiringManager: string | null;
  categories: Categories;
  createdAt: number;
  updatedAt: number;
};
export type Note = { id: string; value: string; secret: boolean; score: number | null; user: string | null; createdAt: number };
export type Archived = { archivedAt: number; reason: string };
export type StageChange = { toStageId: string; userId: string | null; updatedAt: number };
export type Phone = { value: string; type: string | null };
/** An uploaded file; `content` is kept so the download route can serve it back. */
export type StoredFile = { id: string; name: string; ext: string; size: number; mimeType: string; uploadedAt: number; content: Buffer };
export type Opportunity = {
  id: string;
  name: string;
  headline: string;
  /** Lever keeps links on the contact (person), so they show on all of that person's opportunities. */
  contact: string;
  emails: string[];
  phones: Phone[];
  location: string | null;
  stage: string;
  stageChanges: StageChange[];
  /** The opportunity's own tags; the posting's tags are added when it is read (see `tagsOf`). */
  tags: string[];
  sources: string[];
  origin: string;
  owner: string | null;
  followers: string[];
  postingId: string | null;
  /** Its own flag; an opportunity on a confidential posting is confidential too (see `isConfidential`). */
  confidential: boolean;
  archived: Archived | null;
  notes: Note[];
  files: StoredFile[];
  createdAt: number;
  updatedAt: number;
};

/** `accessRole` defaults to 'admin'. */
export type UserInput = { id: string; name: string; email: string; accessRole?: AccessRole };
/** `state` defaults to 'published', `confidential` to false. */
export type PostingInput = {
  id: string;
  text: string;
  tags: string[];
  owner?: string;
  hiringManager?: string;
  categories?: Partial<Categories>;
  state?: PostingState;
  confidential?: boolean;
};
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
  /** Also true when its posting is confidential. */
  confidential?: boolean;
  phones?: Phone[];
  sources?: string[];
  location?: string;
  /** User ids. */
  followers?: string[];
  createdAt?: number;
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
    // Every Lever account has "New lead", "New applicant" and "Offer"; leads created over the API start in "New lead".
    { id: 'stage-lead', text: 'New lead' },
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
    const user: User = { ...u, accessRole: u.accessRole ?? 'admin', createdAt: Date.now() };
    this.users.set(u.id, user);
    return user;
  }

  addPosting(p: PostingInput): Posting {
    if (p.owner) this.user(p.owner);
    if (p.hiringManager) this.user(p.hiringManager);
    const now = Date.now();
    const categories: Categories = { team: null, location: null, commitment: null, department: null, ...p.categories };
    const posting: Posting = {
      id: p.id,
      text: p.text,
      state: p.state ?? 'published',
      confidential: p.confidential ?? false,
      tags: unique(p.tags),
      owner: p.owner ?? null,
      hiringManager: p.hiringManager ?? null,
      categories,
      createdAt: now,
      updatedAt: now,
    };
    this.postings.set(p.id, posting);
    return posting;
  }

  addOpportunity(o: OpportunityInput): Opportunity {
    this.stage(o.stage);
    if (o.owner) this.user(o.owner);
    if (o.postingId) this.posting(o.postingId);
    for (const f of o.followers ?? []) this.user(f);
    const now = o.createdAt ?? Date.now();
    const opp: Opportunity = {
      id: o.id,
      name: o.name,
      headline: o.headline ?? '',
      contact: o.contact ?? `contact-${o.id}`,
      emails: [...o.emails],
      phones: (o.phones ?? []).map((p) => ({ ...p })),
      location: o.location ?? null,
      stage: o.stage,
      stageChanges: [{ toStageId: o.stage, userId: null, updatedAt: now }],
      tags: unique(o.tags ?? []),
      sources: unique(o.sources ?? []),
      origin: o.origin ?? 'applied',
      owner: o.owner ?? null,
      followers: unique(o.followers ?? []),
      postingId: o.postingId ?? null,
      confidential: o.confidential ?? false,
      archived: null,
      notes: [],
      files: [],
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
  /** Lever's rule: an opportunity on a confidential posting is confidential. */
  isConfidential(o: Opportunity): boolean {
    return o.confidential || (o.postingId !== null && this.posting(o.postingId).confidential);
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

  addFile(opportunityId: string, f: Omit<StoredFile, 'id' | 'uploadedAt'>): StoredFile {
    const o = this.opportunity(opportunityId);
    const file: StoredFile = { ...f, id: randomUUID(), uploadedAt: Date.now() };
    o.files.push(file);
    this.touch(o);
    return file;
  }

  /** Removes the opportunity (and its notes and files); the contact's links stay for its other opportunities. */
  deleteOpportunity(opportunityId: string): Opportunity {
    const o = this.opportunity(opportunityId);
    this.opportunities.delete(opportunityId);
    return o;
  }

  private touch(o: Opportunity): void {
    o.updatedAt = Date.now();
  }
}
