export type FaultSpec = {
  /** Matches any method when absent; compared case-insensitively. */
  method?: string;
  /**
   * Matched against the request path without its query string, both as the client wrote it
   * relative to the base URL (`/opportunities/x/notes`) and with the prefix (`/v1/opportunities/x/notes`).
   * A string matches as a substring.
   */
  path: RegExp | string;
  /** The status to answer with, e.g. 500, 503, 429. Default 500, or none when only `delayMs` is given. */
  status?: number;
  /** How many matching requests this fault applies to. Default 1. */
  times?: number;
  /** Perform the request (commit the write), THEN answer `status`: a response lost after Lever committed. */
  afterWrite?: boolean;
  /** Wait this long before handling the request. */
  delayMs?: number;
};

/** What one request should suffer: resolved once per request, after auth and the rate limit. */
export type Fault = { status: number | null; afterWrite: boolean; delayMs: number };

/** Faults are consumed in the order they were injected; each applies to `times` matching requests. */
export class FaultQueue {
  private queue: { spec: FaultSpec; left: number }[] = [];

  add(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new Error('times must be a positive integer');
    this.queue.push({ spec, left: times });
  }

  clear(): void {
    this.queue = [];
  }

  take(method: string, path: string): Fault | null {
    const entry = this.queue.find((f) => matches(f.spec, method, path));
    if (!entry) return null;
    entry.left -= 1;
    if (entry.left === 0) this.queue.splice(this.queue.indexOf(entry), 1);
    const { status, afterWrite = false, delayMs = 0 } = entry.spec;
    const defaultStatus = afterWrite || !delayMs ? 500 : null;
    return { status: status ?? defaultStatus, afterWrite, delayMs };
  }
}

function matches(spec: FaultSpec, method: string, path: string): boolean {
  if (spec.method && spec.method.toUpperCase() !== method.toUpperCase()) return false;
  const forms = [path, `/v1${path}`];
  return forms.some((p) => (typeof spec.path === 'string' ? p.includes(spec.path) : new RegExp(spec.path.source, spec.path.flags.replace('g', '')).test(p)));
}
