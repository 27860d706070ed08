/** Small HTTP helpers the demo uses to watch the local stack from outside, as a person would. */

export async function post(url: string, body: object) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${url} -> ${res.status} ${await res.text()}`);
  return res.json() as Promise<{ data: { deliveries: { status: number }[] } }>;
}

export type CaughtMail = { id: number; to: string[]; subject: string; text: string };
export const mails = async (web: string) => (await (await fetch(`${web}/messages.json`)).json()) as CaughtMail[];
export const texts = async (web: string) => (await (await fetch(`${web}/texts.json`)).json()) as unknown[];
export const linkIn = (text: string, path: string) => new RegExp(`(https?://\\S+/${path}/\\S+)`).exec(text)?.[1];

type FakeState = { apiRequests: number; opportunities: { id: string; notes: { value: string }[]; links: string[]; tags: string[] }[] };
export const leverState = async (fakeLever: string) => (await (await fetch(`${fakeLever}/_fake/state`)).json()) as FakeState;

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`gave up waiting for ${what} after ${timeoutMs / 1000}s`);
}
