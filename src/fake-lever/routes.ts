import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { fileRoutes } from './files';
import { createLead, LeadBody } from './leads';
import { accessOf, confidentialityFilter, forbidden } from './permissions';
import { reply } from './respond';
import { badRequest, POSTING_STATES, type Store } from './store';
import { EXPANDABLE, type Expand, noteView, opportunityView, postingView, userView } from './views';

/** Lever's resource routes (lever-api.md section 4), mounted under /v1 after auth, rate limit and faults. */
export function leverRoutes(store: Store, origin: () => string): express.Router {
  const r = express.Router();
  const opp = (req: Request, id: string) => opportunityView(store, store.opportunity(id), expandOf(req), origin());
  /** Records a committed write: tests count calls (e.g. repeated addLinks) from this log. */
  const wrote = (req: Request, body: unknown = req.body) => store.writes.push({ method: req.method, path: req.path, body });
  const anyOf = (req: Request, name: string, values: () => string[]) => {
    const wanted = params(req).getAll(name);
    return wanted.length === 0 || values().some((v) => wanted.includes(v));
  };

  // Without confidential access Lever refuses confidential records (lists leave them out: see confidentialityFilter).
  r.use('/opportunities/:id', (req, res, next) => {
    const o = store.opportunities.get(String(req.params.id));
    if (o && store.isConfidential(o) && !accessOf(res).confidential) throw forbidden(`This API key does not have confidential access: opportunity ${o.id} is confidential`);
    next();
  });
  r.use('/postings/:id', (req, res, next) => {
    const p = store.postings.get(String(req.params.id));
    if (p?.confidential && !accessOf(res).confidential) throw forbidden(`This API key does not have confidential access: posting ${p.id} is confidential`);
    next();
  });

  r.get('/opportunities', (req, res) => {
    const q = params(req);
    const expand = expandOf(req);
    // Email lookups ignore case, as Lever's do; the other filters match exactly.
    const emails = q.getAll('email').map((e) => e.toLowerCase());
    const archived = booleanParam(q.get('archived'), 'archived');
    const shown = confidentialityFilter(q.get('confidentiality'), accessOf(res));
    const all = [...store.opportunities.values()].filter(
      (o) =>
        shown(store.isConfidential(o)) &&
        (archived === null || (o.archived !== null) === archived) &&
        (emails.length === 0 || o.emails.some((e) => emails.includes(e.toLowerCase()))) &&
        anyOf(req, 'stage_id', () => [o.stage]) &&
        anyOf(req, 'tag', () => store.tagsOf(o)) &&
        anyOf(req, 'posting_id', () => (o.postingId ? [o.postingId] : [])) &&
        anyOf(req, 'contact_id', () => [o.contact]),
    );
    reply(res, 200, paginate(req, all.map((o) => opportunityView(store, o, expand, origin()))));
  });

  r.post('/opportunities', (req, res) => {
    const performAs = params(req).get('perform_as');
    if (performAs === null) throw badRequest('perform_as is required to create an opportunity');
    if (!store.users.has(performAs)) throw badRequest(`perform_as user ${performAs} does not exist`);
    const body = parse(LeadBody, req.body);
    const posting = body.postings?.[0] === undefined ? undefined : store.postings.get(body.postings[0]);
    if (posting?.confidential && !accessOf(res).confidential) throw forbidden(`This API key does not have confidential access: posting ${posting.id} is confidential`);
    const created = createLead(store, body, performAs);
    wrote(req);
    reply(res, 201, { data: opportunityView(store, created, expandOf(req), origin()) });
  });

  r.get('/opportunities/:id', (req, res) => reply(res, 200, { data: opp(req, req.params.id) }));

  r.get('/opportunities/:id/notes', (req, res) => {
    reply(res, 200, paginate(req, store.opportunity(req.params.id).notes.map(noteView)));
  });

  r.post('/opportunities/:id/notes', (req, res) => {
    const body = parse(NoteBody, req.body);
    if (body.createdAt !== undefined && body.createdAt > Date.now()) throw badRequest('createdAt must not be in the future');
    const note = store.addNote(req.params.id, { ...body, user: performAs(req) });
    wrote(req);
    reply(res, 201, { data: { noteId: note.id } });
  });

  // Lever's docs leave these responses undocumented; answering with the opportunity is the common reading.
  const listWrite = (path: string, key: 'links' | 'tags', apply: (id: string, values: string[]) => void) => {
    const schema = z.object({ [key]: z.array(z.string().min(1)) });
    r.post(`/opportunities/:id/${path}`, (req: Request, res: Response) => {
      const id = String(req.params.id);
      const values = parse(schema, req.body)[key];
      performAs(req);
      apply(id, values);
      wrote(req);
      reply(res, 200, { data: opp(req, id) });
    });
  };
  listWrite('addLinks', 'links', (id, v) => store.addLinks(id, v));
  listWrite('removeLinks', 'links', (id, v) => store.removeLinks(id, v));
  listWrite('addTags', 'tags', (id, v) => store.addTags(id, v));
  listWrite('removeTags', 'tags', (id, v) => store.removeTags(id, v));

  r.put('/opportunities/:id/stage', (req, res) => {
    const { stage } = parse(z.object({ stage: z.string().min(1) }), req.body);
    store.setStage(req.params.id, stage, performAs(req));
    wrote(req);
    reply(res, 200, { data: opp(req, req.params.id) });
  });

  r.put('/opportunities/:id/archived', (req, res) => {
    const { reason } = parse(ArchivedBody, req.body);
    performAs(req);
    store.setArchived(req.params.id, reason);
    wrote(req);
    reply(res, 200, { data: opp(req, req.params.id) });
  });

  r.use(fileRoutes(store, origin, wrote));

  // Lever's `tag` and `state` filters are exact (case-sensitive) matches, like its opportunity
  // filters; repeating one means "any of these".
  r.get('/postings', (req, res) => {
    for (const s of params(req).getAll('state')) {
      if (!(POSTING_STATES as readonly string[]).includes(s)) throw badRequest(`state must be one of ${POSTING_STATES.join(', ')}`);
    }
    const shown = confidentialityFilter(params(req).get('confidentiality'), accessOf(res));
    const all = [...store.postings.values()].filter(
      (p) => shown(p.confidential) && anyOf(req, 'tag', () => p.tags) && anyOf(req, 'state', () => [p.state]),
    );
    reply(res, 200, paginate(req, all.map((p) => postingView(p, origin()))));
  });
  r.get('/postings/:id', (req, res) => reply(res, 200, { data: postingView(store.posting(req.params.id), origin()) }));
  r.get('/users/:id', (req, res) => reply(res, 200, { data: userView(store.user(req.params.id)) }));

  r.get('/users', (req, res) => {
    const email = params(req).get('email')?.toLowerCase();
    const users = [...store.users.values()].filter((u) => email === undefined || u.email.toLowerCase() === email);
    reply(res, 200, paginate(req, users.map(userView)));
  });

  r.get('/stages', (req, res) => reply(res, 200, paginate(req, store.stages.map((s) => ({ ...s })))));

  r.get('/archive_reasons', (req, res) => {
    const type = params(req).get('type');
    if (type !== null && type !== 'hired' && type !== 'non-hired') throw badRequest('type must be hired or non-hired');
    reply(res, 200, paginate(req, store.archiveReasons.filter((a) => type === null || a.type === type).map((a) => ({ ...a }))));
  });

  return r;

  /** `perform_as` is optional on these writes, but when given it must name a user. */
  function performAs(req: Request): string | null {
    const id = params(req).get('perform_as');
    if (id === null) return null;
    if (!store.users.has(id)) throw badRequest(`perform_as user ${id} does not exist`);
    return id;
  }
}

const NoteBody = z.object({
  value: z.string().refine((s) => s.trim().length > 0, 'value must not be empty'),
  secret: z.boolean().optional(),
  score: z.number().int().min(1).max(4).optional(),
  notifyFollowers: z.boolean().optional(),
  createdAt: z.number().int().positive().optional(),
});

const ArchivedBody = z.object({
  reason: z.string().min(1).nullable(),
  cleanInterviews: z.boolean().optional(),
  requisitionId: z.string().optional(),
});

function booleanParam(raw: string | null, name: string): boolean | null {
  if (raw === null) return null;
  if (raw !== 'true' && raw !== 'false') throw badRequest(`${name} must be true or false`);
  return raw === 'true';
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (!result.success) throw badRequest(`invalid body: ${result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`);
  return result.data;
}

/** Repeated parameters (`expand=a&expand=b`) need the raw query: express's parser may fold them. */
const params = (req: Request) => new URL(req.originalUrl, 'http://fake.invalid').searchParams;

function expandOf(req: Request): Set<Expand> {
  const values = params(req).getAll('expand');
  for (const v of values) {
    if (!(EXPANDABLE as readonly string[]).includes(v)) throw badRequest(`expand=${v} is not supported by the fake (supported: ${EXPANDABLE.join(', ')})`);
  }
  return new Set(values as Expand[]);
}

/**
 * Lever's list envelope. `next` is an opaque token (base64url of an index here) so a client that
 * does arithmetic on offsets instead of passing `next` back fails against the fake too.
 */
function paginate<T>(req: Request, items: T[]): { data: T[]; hasNext: boolean; next?: string } {
  const q = params(req);
  const rawLimit = q.get('limit');
  const limit = rawLimit === null ? 100 : /^\d+$/.test(rawLimit) ? Number(rawLimit) : NaN;
  if (!(limit >= 1 && limit <= 100)) throw badRequest('limit must be an integer from 1 to 100');
  const rawOffset = q.get('offset');
  const start = rawOffset === null ? 0 : decodeOffset(rawOffset);
  const data = items.slice(start, start + limit);
  const hasNext = start + limit < items.length;
  return hasNext ? { data, hasNext, next: encodeOffset(start + limit) } : { data, hasNext };
}

const encodeOffset = (i: number) => Buffer.from(`fake-offset:${i}`).toString('base64url');
function decodeOffset(token: string): number {
  const m = /^fake-offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw badRequest('offset must be a `next` token from a previous page');
  return Number(m[1]);
}
