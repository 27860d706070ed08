-- Who the check is about, as Lever has them, kept here rather than in the workflow's history:
-- activities that mail the candidate or the owner read them by run. Cleared when Lever deletes the candidate.
alter table checks
  add column candidate_email text,
  add column owner_name text,
  add column owner_email text;

-- The report link (a bearer token), sealed like other secrets, made once per request and read by
-- the activities that publish it, so the workflow's history holds only the request id.
create table report_links (
  request_id text primary key references reference_requests (id) on delete cascade,
  url_sealed text not null,
  created_at timestamptz not null default now()
);

-- A request whose run failed and was started again: its links say it was replaced.
alter table reference_requests drop constraint reference_requests_status_check;
alter table reference_requests add constraint reference_requests_status_check
  check (status in ('open', 'completed', 'expired', 'cancelled', 'replaced'));
