import type { Note, Opportunity, Posting, Store, User } from './store';

/** The JSON shapes Lever answers with (lever-api.md section 4), built from the store's records. */

export const EXPANDABLE = ['applications', 'stage', 'owner', 'followers'] as const;
export type Expand = (typeof EXPANDABLE)[number];

export function userView(u: User) {
  return { id: u.id, name: u.name, username: u.email.split('@')[0], email: u.email, accessRole: 'admin', deactivatedAt: null, createdAt: u.createdAt };
}

export function postingView(p: Posting) {
  return {
    id: p.id,
    text: p.text,
    state: 'published',
    confidentiality: 'non-confidential',
    tags: [...p.tags],
    owner: p.owner,
    hiringManager: p.hiringManager,
    user: p.owner,
    categories: { ...p.categories },
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
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
    phones: [] as { value: string; type: string }[],
    links: [...store.linksOf(o)],
    location: null,
    stage: expand.has('stage') ? { ...store.stage(o.stage) } : o.stage,
    stageChanges: o.stageChanges.map((c) => ({ ...c })),
    tags: store.tagsOf(o),
    sources: [] as string[],
    origin: o.origin,
    owner,
    followers: [] as string[],
    applications: application ? [expand.has('applications') ? application : application.id] : [],
    confidentiality: 'non-confidential',
    archived: o.archived ? { ...o.archived } : null,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    urls: { show: `${origin}/#${encodeURIComponent(o.id)}` },
  };
}
