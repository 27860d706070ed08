import type { Payload } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Db } from '../../src/db/pool';
import { openRequest } from '../../src/db/requests';
import { listTemplates } from '../../src/db/templates';
import { buildApp, type AppDeps } from '../../src/http/app';
import type { TemplateSettings } from '../../src/templates/schema';
import { defaultTemplateSettings } from '../../src/templates/surveys';
import { payloadCodec } from '../../src/temporal';
import { TEST_PAYLOAD_KEYS, type Stack } from './stack';

/** Nobody polls it: a signal to a running workflow is stored by Temporal even without a worker. */
export const NOBODY_POLLS = 'nobody-polls-this';

/** The api on its own port; deps is returned so a test can swap `checks` for one whose Temporal is unreachable. */
export async function startPortalApi(stack: Stack) {
  const deps: AppDeps = { config: stack.config, db: stack.db, box: stack.box, links: stack.links, temporal: stack.client, checks: stack.checks, logger: stack.logger };
  const app = buildApp(deps);
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { deps, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(r)) };
}

/** An open request as the workflow would store it, with a stand-in run to receive its signals (or none). */
export async function openPortalRequest(stack: Stack, opts: { running?: boolean; template?: Partial<TemplateSettings> } = {}) {
  const workflowId = `reference-check/test/${randomBytes(6).toString('hex')}`;
  const [template] = await listTemplates(stack.db, stack.connectionId);
  const request = await openRequest(stack.db, {
    workflowId, runId: randomBytes(16).toString('hex'), connectionId: stack.connectionId, opportunityId: `opp-${randomBytes(4).toString('hex')}`,
    templateId: template.id, candidateName: 'Ada Lovelace', candidateEmail: 'ada@candidate.test', postingTitle: 'Staff Engineer',
    requiredReferences: 2, deadlineAt: new Date(Date.now() + 14 * 86_400_000), templateSnapshot: defaultTemplateSettings(opts.template),
  });
  const handle = opts.running === false ? undefined : await standIn(stack, workflowId);
  return { request, handle, token: stack.links.sign('candidate', request.id, 3_600_000) };
}

export function standIn(stack: Stack, workflowId: string) {
  return stack.client.workflow.start('referenceCheck', { taskQueue: NOBODY_POLLS, workflowId, args: [{}] });
}

/** The payloads of the signals named `name` in a run's history, decrypted (the test stack's keys) and decoded from JSON. */
export async function signalsIn(handle: { fetchHistory(): Promise<{ events?: unknown[] | null }> }, name: string): Promise<unknown[]> {
  type Signaled = { workflowExecutionSignaledEventAttributes?: { signalName?: string; input?: { payloads?: Payload[] } } };
  const { events } = await handle.fetchHistory();
  const inputs = ((events ?? []) as Signaled[])
    .map((e) => e.workflowExecutionSignaledEventAttributes)
    .filter((s) => s?.signalName === name)
    .map((s) => s!.input!.payloads![0]);
  const decoded = await payloadCodec({ TEMPORAL_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS }).decode(inputs);
  return decoded.map((p) => JSON.parse(Buffer.from(p.data!).toString('utf8')));
}

/** Test-only: moves a referee's nomination and invitation into the past, past replaceAfterSeconds. */
export async function backdateReferee(db: Db, refereeId: string, seconds: number) {
  await db.query(
    `update referees set nominated_at = nominated_at - make_interval(secs => $2), invited_at = invited_at - make_interval(secs => $2) where id = $1`,
    [refereeId, seconds],
  );
}

/** A person with a browser: keeps cookies, reads the form's CSRF token, never follows redirects. */
export class Visitor {
  private cookies = new Map<string, string>();
  csrf = '';
  /** `ip` arrives as X-Forwarded-For (the api trusts a proxy on loopback), as a real client's address would. */
  constructor(private readonly base: string, private readonly who: { ip?: string; userAgent?: string } = {}) {}

  private identity(): Record<string, string> {
    return { 'user-agent': this.who.userAgent ?? 'portal-test', ...(this.who.ip ? { 'x-forwarded-for': this.who.ip } : {}) };
  }

  async get(path: string) {
    const res = await fetch(this.base + path, { headers: { cookie: this.cookieHeader(), ...this.identity() }, redirect: 'manual' });
    this.keep(res);
    const html = await res.text();
    this.csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? this.csrf;
    return { status: res.status, html };
  }

  /** Posts a form as the page would, with the page's CSRF token unless told otherwise. */
  async post(path: string, fields: Record<string, string>, opts: { csrf?: string | null } = {}, suffix = '') {
    const csrf = opts.csrf === undefined ? this.csrf : opts.csrf;
    const body = new URLSearchParams({ ...fields, ...(csrf === null ? {} : { _csrf: csrf }) });
    const res = await fetch(this.base + path + suffix, {
      method: 'POST', redirect: 'manual', body,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', ...this.identity() },
    });
    this.keep(res);
    return { status: res.status, location: res.headers.get('location'), html: await res.text() };
  }

  private keep(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
  }

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}
