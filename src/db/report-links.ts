import type { SecretBox } from '../secrets';
import type { Db } from './pool';

/**
 * The report link of a request: a bearer token, so it is sealed at rest and kept out of the
 * workflow's history. Made once: a retry, or a second activity, reads the same link back.
 */
export async function keepReportLink(db: Db, box: SecretBox, requestId: string, make: () => string): Promise<string> {
  await db.query('insert into report_links (request_id, url_sealed) values ($1, $2) on conflict (request_id) do nothing', [requestId, box.seal(make())]);
  const link = await findReportLink(db, box, requestId);
  if (!link) throw new Error(`reference request ${requestId} no longer exists`);
  return link;
}

export async function findReportLink(db: Db, box: SecretBox, requestId: string): Promise<string | undefined> {
  const [row] = await db.query<{ url_sealed: string }>('select url_sealed from report_links where request_id = $1', [requestId]);
  return row ? box.open(row.url_sealed) : undefined;
}
