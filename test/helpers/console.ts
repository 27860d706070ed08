import { randomBytes } from 'node:crypto';
import { insertAccount, type Role } from '../../src/db/accounts';
import { hashPassword } from '../../src/console/passwords';
import type { Stack } from './stack';

/**
 * A person using the console over HTTP, as a browser would: cookies kept between requests, the
 * CSRF token read from the last page's forms and sent back with each form. No redirects are
 * followed automatically, so tests can assert on them.
 */
export type ConsoleUser = Awaited<ReturnType<typeof consoleUser>>;
const PASSWORD = 'correct horse battery staple';
let cachedHash: Promise<string> | undefined;

/** An account of `role` in the stack's organisation (or `organisationId`), signed in. */
export async function consoleUser(stack: Pick<Stack, 'db' | 'apiUrl' | 'organisationId'>, role: Role = 'admin', organisationId = stack.organisationId) {
  const email = `${role}.${randomBytes(4).toString('hex')}@acme.test`;
  await insertAccount(stack.db, { id: `a_${randomBytes(8).toString('hex')}`, organisationId, email, name: `${role} person`, role, passwordHash: await (cachedHash ??= hashPassword(PASSWORD)) });
  const user = consoleClient(stack.apiUrl);
  const res = await user.signIn(email, PASSWORD);
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  return { ...user, email };
}

export function consoleClient(apiUrl: string) {
  const jar = new Map<string, string>();
  let csrf = '';
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  };
  async function get(path: string) {
    const res = await fetch(`${apiUrl}${path}`, { headers: { cookie: cookieHeader() }, redirect: 'manual' });
    keep(res);
    const html = await res.text();
    csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? csrf;
    return { status: res.status, html, location: res.headers.get('location') };
  }
  async function post(path: string, form: Record<string, string | string[]>, opts: { csrf?: string | null } = {}) {
    const body = new URLSearchParams();
    const token = opts.csrf === undefined ? csrf : opts.csrf;
    if (token !== null) body.append('_csrf', token);
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    const res = await fetch(`${apiUrl}${path}`, { method: 'POST', body, headers: { cookie: cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    keep(res);
    const html = await res.text();
    csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? csrf;
    return { status: res.status, html, location: res.headers.get('location') };
  }
  async function signIn(email: string, password: string) {
    await get('/console/login');
    return post('/console/login', { email, password });
  }
  return { get, post, signIn, cookies: jar };
}

/** The text of a page without tags, for assertions about what a person reads. */
export const textOf = (html: string) => html.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, ' ');
