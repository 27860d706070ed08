-- The optional PDF of the report, attached to the candidate in Lever as a file. Per connection,
-- whether to attach it (read by the worker when the report is published, so a change applies to
-- running checks); per request (one per run), what became of it, for the console's check page.

alter table lever_connections
  add column attach_report_pdf boolean not null default false;

create table report_pdfs (
  request_id text primary key references reference_requests (id) on delete cascade,
  -- 'attached': the file is in Lever; 'skipped-no-chromium': the setting was on but the worker has
  -- no Chromium; 'failed': Lever refused the file or rendering kept failing (detail says which)
  state text not null check (state in ('attached', 'skipped-no-chromium', 'failed')),
  lever_file_id text,
  bytes integer,
  -- a failure's type and short message: no personal data, no secrets
  detail text,
  at timestamptz not null default now()
);
