import type { Note, Opportunity, Posting, Store, User } from './store';

/** The JSON shapes Lever answers with (lever-api.md section 4), built from the store's records. */

export const EXPANDABLE = ['applications', 'stage', 'owner', 'followers'] as const;
export type Expand = (typeof EXPANDABLE)[number];

export function userView(u: User) {
  return { id: u.id, name: u.name, username: u.email.split('@')[0], email: u.email, accessRole: u.accessRole, deactivatedAt: null, createdAt: u.createdAt };
}

/** The human page's anchor for a record: `urls.show` points there, as Lever's points at its app. */
export const pageAnchor = (kind: 'posting' | 'opportunity', id: string) => (kind === 'posting' ? `posting:${id}` : id);
const showUrl = (origin: string, anchor: string) => `${origin}/#${encodeURIComponent(anchor)}`;

export function postingView(p: Posting, origin: string) {
  return {
    id: p.id,
    text: p.text,
    state: p.state,
    confidentiality: p.confidential ? 'confidential' : 'non-confidential',
    tags: [...p.tags],
    owner: p.owner,
    hiringManager: p.hiringManager,
    user: p.owner,
    categories: { ...p.categories },
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    urls: { show: showUrl(origin, pageAnchor('posting', p.id)) },
  };
}

export function noteView(n: Note) {
  return {
    id: n.id,
    text: 'Note',
    value: n.value,
    fields: [{ type: 'text', text: 'Comment', value: n.value }],
    secret: n.secret,
    score: n.score,
    user: n.user,
    createdAt: n.createdAt,
    completedAt: n.createdAt,
  };
}

export function opportunityView(store: Store, o: Opportunity, expand: ReadonlySet<Expand>, origin: string) {
  const applicationId = store.applicationId(o);
  const posting = o.postingId ? store.posting(o.postingId) : null;
  const application = applicationId && posting
    ? { id: applicationId, type: 'posting', opportunityId: o.id, posting: posting.id, postingOwner: posting.owner, postingHiringManager: posting.hiringManager, createdAt: o.createdAt }
    : null;
  const owner = o.owner && expand.has('owner') ? userView(store.user(o.owner)) : o.owner;
  return {
    id: o.id,
    name: o.name,
    headline: o.headline,
    contact: o.contact,
    emails: [...o.emails],
    phones: o.phones.map((p) => ({ ...p })),
    links: [...store.linksOf(o)],
    location: o.location,
    stage: expand.has('stage') ? { ...store.stage(o.stage) } : o.stage,
    stageChanges: o.stageChanges.map((c) => ({ ...c })),
    tags: store.tagsOf(o),
    sources: [...o.sources],
    origin: o.origin,
    owner,
    followers: [...o.followers],
    applications: application ? [expand.has('applications') ? application : application.id] : [],
    confidentiality: store.isConfidential(o) ? 'confidential' : 'non-confidential',
    archived: o.archived ? { ...o.archived } : null,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    urls: { show: showUrl(origin, pageAnchor('opportunity', o.id)) },
  };
}
