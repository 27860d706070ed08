import type { Db } from './pool';

/**
 * The optional report PDF: the connection's setting (`lever_connections.attach_report_pdf`) and,
 * per request, what became of its PDF (`report_pdfs`), which the console's check page shows.
 */
export type ReportPdfState = 'attached' | 'skipped-no-chromium' | 'failed';
export type ReportPdf = { state: ReportPdfState; leverFileId: string | null; bytes: number | null; detail: string | null; at: Date };

/** Read when the report is published, not at the start: so turning it on or off applies to running checks. */
export async function attachReportPdfSetting(db: Db, connectionId: string): Promise<boolean> {
  const [row] = await db.query<{ attach_report_pdf: boolean }>('select attach_report_pdf from lever_connections where id = $1', [connectionId]);
  return row?.attach_report_pdf ?? false;
}

/** The console's switch; only within the admin's organisation. */
export async function setAttachReportPdf(db: Db, organisationId: string, connectionId: string, on: boolean): Promise<boolean> {
  const rows = await db.query(
    'update lever_connections set attach_report_pdf = $3, updated_at = now() where organisation_id = $1 and id = $2 returning id',
    [organisationId, connectionId, on],
  );
  return rows.length === 1;
}

/**
 * What became of a request's PDF. An attached PDF stays attached: a late retry that failed after
 * another attempt attached it (or a repeated skip) does not overwrite that.
 */
export async function recordReportPdf(db: Db, requestId: string, r: { state: ReportPdfState; leverFileId?: string; bytes?: number; detail?: string }): Promise<void> {
  await db.query(
    // Nothing to record for a request deleted meanwhile (Lever deleted the candidate): hence the select.
    `insert into report_pdfs (request_id, state, lever_file_id, bytes, detail)
     select $1::text, $2::text, $3::text, $4::integer, $5::text where exists (select 1 from reference_requests where id = $1)
     on conflict (request_id) do update set state = excluded.state, lever_file_id = excluded.lever_file_id, bytes = excluded.bytes,
       detail = excluded.detail, at = now()
     where report_pdfs.state <> 'attached'`,
    [requestId, r.state, r.leverFileId ?? null, r.bytes ?? null, r.detail?.slice(0, 500) ?? null],
  );
}

export async function findReportPdf(db: Db, requestId: string): Promise<ReportPdf | undefined> {
  const [row] = await db.query<{ state: ReportPdfState; lever_file_id: string | null; bytes: number | null; detail: string | null; at: Date }>(
    'select state, lever_file_id, bytes, detail, at from report_pdfs where request_id = $1',
    [requestId],
  );
  return row && { state: row.state, leverFileId: row.lever_file_id, bytes: row.bytes, detail: row.detail, at: row.at };
}
