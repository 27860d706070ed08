import { z } from 'zod';
import { ArchiveReason, LeverErrorBody, LeverFile, Note, Opportunity, Posting, Stage, User, dataOf, pageOf } from './schemas';

/**
 * A Lever API failure. `retryable` is true for what may pass on a later attempt (429, 5xx, network,
 * timeouts) and false for what will not (400/401/403/404): the activity layer turns the latter
 * into non-retryable Temporal failures named by `type`.
 */
export class LeverError extends Error {
  constructor(readonly status: number, readonly type: string, message: string, readonly retryable: boolean, readonly leverMessage?: string) {
    super(message);
    this.name = 'LeverError';
  }
}

export type NewOpportunity = {
  name: string;
  headline?: string;
  emails: string[];
  tags?: string[];
  sources?: string[];
  origin?: 'agency' | 'applied' | 'internal' | 'referred' | 'sourced' | 'university';
};

const PERMANENT: Record<number, string> = { 400: 'LeverBadRequest', 401: 'LeverUnauthorized', 403: 'LeverForbidden', 404: 'LeverNotFound', 422: 'LeverBadRequest' };

export type LeverClientOptions = {
  baseUrl: string;
  apiKey: string;
  /** Waits for a rate-limit slot; called once before every HTTP request. */
  beforeRequest?: () => Promise<void>;
  timeoutMs?: number;
  /**
   * The key has Lever's confidential access (the connection says so): lists then ask for confidential
   * records too. Lever leaves them out of lists unless asked (`confidentiality`, default non-confidential).
   */
  confidential?: boolean;
};

export class LeverClient {
  private readonly auth: string;

  constructor(private readonly opts: LeverClientOptions) {
    this.auth = 'Basic ' + Buffer.from(`${opts.apiKey}:`).toString('base64');
  }

  async getOpportunity(id: string) {
    return (await this.request('GET', `/opportunities/${enc(id)}?expand=applications&expand=owner`, dataOf(Opportunity))).data;
  }

  async getPosting(id: string) {
    return (await this.request('GET', `/postings/${enc(id)}`, dataOf(Posting))).data;
  }

  async getUser(id: string) {
    return (await this.request('GET', `/users/${enc(id)}`, dataOf(User))).data;
  }

  /** Every note on the opportunity, following Lever's `next` offsets. */
  async listNotes(opportunityId: string): Promise<Note[]> {
    const notes: Note[] = [];
    let offset: string | undefined;
    do {
      const q = `limit=100${offset ? `&offset=${enc(offset)}` : ''}`;
      const page = await this.request('GET', `/opportunities/${enc(opportunityId)}/notes?${q}`, pageOf(Note));
      notes.push(...page.data);
      offset = page.hasNext && page.next ? page.next : undefined;
    } while (offset);
    return notes;
  }

  async addNote(opportunityId: string, value: string): Promise<string> {
    const res = await this.request('POST', `/opportunities/${enc(opportunityId)}/notes`, dataOf(z.object({ noteId: z.string() }).loose()), { value });
    return res.data.noteId;
  }

  async addLinks(opportunityId: string, links: string[]): Promise<void> {
    await this.request('POST', `/opportunities/${enc(opportunityId)}/addLinks`, undefined, { links });
  }

  async addTags(opportunityId: string, tags: string[]): Promise<void> {
    await this.request('POST', `/opportunities/${enc(opportunityId)}/addTags`, undefined, { tags });
  }

  /** Every opportunity whose contact has this email (Lever matches emails case-insensitively). */
  async findOpportunitiesByEmail(email: string): Promise<Opportunity[]> {
    return this.listAll(`/opportunities?email=${enc(email)}${this.confidentiality}`, Opportunity);
  }

  /** A new candidate or lead; Lever requires `perform_as` (a user id) and dedupes the contact by email. */
  async createOpportunity(performAs: string, body: NewOpportunity): Promise<Opportunity> {
    return (await this.request('POST', `/opportunities?perform_as=${enc(performAs)}`, dataOf(Opportunity), body)).data;
  }

  /** Every user of the account, deactivated ones included (`deactivatedAt` set). */
  async listUsers(): Promise<User[]> {
    return this.listAll('/users', User);
  }

  /** Every stage of the account (stages are custom per account), following `next`. */
  async listStages(): Promise<Stage[]> {
    return this.listAll('/stages', Stage);
  }

  /** Postings carrying `tag` (Lever's `tag` filter). */
  async listPostingsByTag(tag: string): Promise<Posting[]> {
    return this.listAll(`/postings?tag=${enc(tag)}${this.confidentiality}`, Posting);
  }

  private get confidentiality(): string {
    return this.opts.confidential ? '&confidentiality=all' : '';
  }

  /** One cheap read, to learn whether the key may read `path` at all (403 says it may not). */
  async probe(path: string): Promise<void> {
    await this.request('GET', `${path}${path.includes('?') ? '&' : '?'}limit=1`, undefined);
  }

  private async listAll<T extends z.ZodTypeAny>(path: string, item: T): Promise<z.infer<T>[]> {
    const out: z.infer<T>[] = [];
    let offset: string | undefined;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page = await this.request('GET', `${path}${sep}limit=100${offset ? `&offset=${enc(offset)}` : ''}`, pageOf(item));
      out.push(...page.data);
      offset = page.hasNext && page.next ? page.next : undefined;
    } while (offset);
    return out;
  }

  /** Every archive reason of the account, each typed 'hired' or 'non-hired' (accounts have a handful: one page). */
  async listArchiveReasons(): Promise<z.infer<typeof ArchiveReason>[]> {
    return this.listAll('/archive_reasons', ArchiveReason);
  }

  async archive(opportunityId: string, reasonId: string): Promise<void> {
    await this.request('PUT', `/opportunities/${enc(opportunityId)}/archived`, undefined, { reason: reasonId });
  }

  /** Every file on the opportunity (name, size, id; not the content). */
  async listFiles(opportunityId: string): Promise<LeverFile[]> {
    return this.listAll(`/opportunities/${enc(opportunityId)}/files`, LeverFile);
  }

  /** One file, as Lever takes it: multipart/form-data with the content in the field `file`. */
  async uploadFile(opportunityId: string, file: { name: string; mimeType: string; content: Uint8Array }): Promise<LeverFile> {
    const form = new FormData();
    form.append('file', new Blob([file.content], { type: file.mimeType }), file.name);
    return (await this.request('POST', `/opportunities/${enc(opportunityId)}/files`, dataOf(LeverFile), form)).data;
  }

  private async request<S extends z.ZodTypeAny>(method: string, path: string, schema?: S, body?: unknown): Promise<z.infer<S>> {
    await this.opts.beforeRequest?.();
    let res: Response;
    try {
      res = await fetch(this.opts.baseUrl.replace(/\/$/, '') + path, {
        method,
        // A form sets its own content type (multipart, with the boundary); anything else is JSON.
        headers: { authorization: this.auth, accept: 'application/json', ...(body && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}) },
        body: body instanceof FormData ? body : body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 15_000),
      });
    } catch (err) {
      throw new LeverError(0, 'LeverUnreachable', `${method} ${route(path)}: ${(err as Error).name}`, true);
    }
    const text = await res.text();
    if (!res.ok) {
      const parsed = LeverErrorBody.safeParse(safeJson(text));
      const detail = parsed.success ? `${parsed.data.code}: ${parsed.data.message}` : `HTTP ${res.status}`;
      const permanent = PERMANENT[res.status];
      throw new LeverError(res.status, permanent ?? (res.status === 429 ? 'LeverRateLimited' : 'LeverUnavailable'),
        `${method} ${route(path)} -> ${res.status} ${detail}`, !permanent, parsed.success ? parsed.data.message : undefined);
    }
    if (!schema) return undefined as z.infer<S>;
    const parsed = schema.safeParse(safeJson(text));
    if (!parsed.success) {
      throw new LeverError(res.status, 'LeverUnexpectedResponse', `${method} ${route(path)}: response did not match the expected shape`, false);
    }
    return parsed.data;
  }
}

const enc = encodeURIComponent;
/** The path without query or ids' values is enough for an error message and leaks nothing. */
const route = (path: string) => path.split('?')[0];
function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
