import type { Db } from '../db/pool';
import type { SecretBox } from '../secrets';
import { consoleLeverClient, explain, type LeverLimits, type LeverSettings } from './lever-account';

export type TaggedPosting = { id: string; title: string; state?: string; url?: string };

/**
 * The postings in Lever that carry a template's tag, read live for its edit page. Lever's tag
 * filter matches the spelling exactly while refcheck ignores case, so both the tag as typed
 * and its lowercase are asked for. A failure is a sentence for the page, never an error: the
 * form must still show.
 */
export async function postingsWithTag(db: Db, box: SecretBox, limits: LeverLimits, lever: LeverSettings, tag: string): Promise<{ postings: TaggedPosting[]; problem?: string }> {
  const client = consoleLeverClient(db, box, limits, lever);
  const found = new Map<string, TaggedPosting>();
  try {
    for (const spelling of new Set([tag.trim(), tag.trim().toLowerCase()])) {
      for (const p of await client.listPostingsByTag(spelling)) found.set(p.id, { id: p.id, title: p.text || '(untitled posting)', state: stringOf(p.state), url: webUrl((p.urls as { show?: unknown } | undefined)?.show) });
    }
  } catch (err) {
    return { postings: [], problem: `Could not read the postings with this tag: ${explain(err, 'Postings (read)')}` };
  }
  return { postings: [...found.values()] };
}

const stringOf = (v: unknown) => (typeof v === 'string' ? v : undefined);
/** Only http(s) links become hrefs: the page must not link to whatever scheme an API returns. */
const webUrl = (v: unknown) => (typeof v === 'string' && /^https?:\/\//i.test(v) ? v : undefined);
