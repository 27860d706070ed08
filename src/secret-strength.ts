import type { z } from 'zod';

/**
 * Secrets refcheck refuses to start with: a deployment that forgot to replace a placeholder would
 * run with a publicly known link secret (links forged from ids printed in Lever notes), admin token
 * or encryption key. Messages name what is wrong and how to make a good one, never the value.
 */
export const GENERATE_HINT = 'generate one with: openssl rand -base64 32';

/**
 * Every secret value .env.example ships or has shipped: public, whatever their entropy.
 * test/deployment.test.ts checks that each secret in .env.example is refused.
 */
const PUBLISHED_VALUES = new Set([
  'Q0hBTkdFLU1FLUNIQU5HRS1NRS1DSEFOR0UtTUUhISE=',
  'CHANGE-ME-link-secret-at-least-32-characters',
  'CHANGE-ME-admin-token-24-chars-min',
  'change-me-postgres-password',
]);

export const MIN_SECRET_BITS = 128;

/** A placeholder: published in .env.example, or saying CHANGE-ME in any case or spacing. */
export function placeholderProblem(value: string): string | undefined {
  if (PUBLISHED_VALUES.has(value.trim())) return `is the example value from .env.example; ${GENERATE_HINT}`;
  if (/change[\s_-]*me/i.test(value)) return `is a placeholder (CHANGE-ME); ${GENERATE_HINT}`;
  return undefined;
}

/**
 * A secret refcheck's operator generates (link secret, admin token, inbound mail secret): not a
 * placeholder, and at least 128 bits by a deliberately simple estimate: each character is worth
 * log2 of the alphabet it seems drawn from, which is the smaller of (a) the character classes it
 * uses (hex digits 16; else lower 26 + upper 26 + digits 10 + others 33) and (b) twice the number
 * of different characters in it; a value that repeats a pattern counts one pattern only.
 * `openssl rand -base64 32` scores about 260 bits, `openssl rand -hex 16` 128; `aaaa…` or `abcabc…` far below.
 * (Dictionary words fool any estimate this simple: the message says how to generate one instead.)
 */
export function weakSecretProblem(value: string): string | undefined {
  const placeholder = placeholderProblem(value);
  if (placeholder) return placeholder;
  const bits = estimatedBits(value);
  if (bits < MIN_SECRET_BITS) return `is too easy to guess (about ${Math.floor(bits)} bits, needs ${MIN_SECRET_BITS}); ${GENERATE_HINT}`;
  return undefined;
}

/**
 * A base64 key of random bytes (the encryption key): 32 random bytes have about 30 different
 * values and are almost never all printable text; a key that decodes to text was typed, not generated.
 */
export function weakKeyProblem(base64: string, bytes = 32): string | undefined {
  const placeholder = placeholderProblem(base64);
  if (placeholder) return placeholder;
  const key = Buffer.from(base64, 'base64');
  if (key.length !== bytes) return `must be ${bytes} bytes, base64-encoded; ${GENERATE_HINT}`;
  const text = key.toString('latin1');
  if (/change[\s_-]*me/i.test(text)) return `is a placeholder (CHANGE-ME); ${GENERATE_HINT}`;
  if (new Set(key).size < bytes / 2 || /^[\x20-\x7e]*$/.test(text)) return `is not random bytes; ${GENERATE_HINT}`;
  return undefined;
}

export function estimatedBits(value: string): number {
  const unit = value.slice(0, shortestPeriod(value));
  const distinct = new Set(unit).size;
  return unit.length * Math.log2(Math.max(1, Math.min(classAlphabet(unit), 2 * distinct)));
}

function classAlphabet(s: string): number {
  if (/^[0-9a-f]+$/.test(s) || /^[0-9A-F]+$/.test(s)) return 16;
  return (/[a-z]/.test(s) ? 26 : 0) + (/[A-Z]/.test(s) ? 26 : 0) + (/[0-9]/.test(s) ? 10 : 0) + (/[^a-zA-Z0-9]/.test(s) ? 33 : 0);
}

/** The length of the shortest unit the value repeats (its own length when it repeats nothing). */
function shortestPeriod(s: string): number {
  for (let p = 1; p <= s.length / 2; p++) {
    let repeats = true;
    for (let i = p; i < s.length && repeats; i++) repeats = s[i] === s[i - p];
    if (repeats) return p;
  }
  return s.length;
}

/** One line per secret in a zod schema: `MY_SECRET: z.string().superRefine(rejectWeakSecret)`. */
export const rejectWeakSecret = (value: string, ctx: z.RefinementCtx) => addProblem(ctx, weakSecretProblem(value));
/** For a base64 key of 32 random bytes: `MY_KEY: z.string().superRefine(rejectWeakKey)`. */
export const rejectWeakKey = (value: string, ctx: z.RefinementCtx) => addProblem(ctx, weakKeyProblem(value));
/** For credentials a provider issues (a Twilio token): only placeholders are refused. */
export const rejectPlaceholder = (value: string, ctx: z.RefinementCtx) => addProblem(ctx, placeholderProblem(value));
/** For a URL that may carry a password (SMTP_URL, DATABASE_URL): a placeholder password is refused. */
export const rejectPlaceholderPassword = (url: string, ctx: z.RefinementCtx) => {
  const password = passwordOf(url);
  const problem = password ? placeholderProblem(password) : undefined;
  addProblem(ctx, problem && `has a placeholder password: ${problem}`);
};

/** The URL's password, if any (a malformed URL is the URL check's to report). */
function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return undefined;
  }
}

function addProblem(ctx: z.RefinementCtx, message: string | undefined) {
  if (message) ctx.addIssue({ code: 'custom', message });
}
