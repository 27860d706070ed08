-- Retention: personal data of a concluded check is deleted once the connection's retention has
-- passed (a scheduled sweep, workflows/retention.ts). What is not personal stays: ids, statuses,
-- dates, counts and outcomes, so the console's lists and counts still add up.

alter table lever_connections
  add column retention_days integer not null default 180 check (retention_days between 30 and 1825);

-- When the sweep deleted the request's personal data, and under which retention (the setting may change later).
alter table reference_requests
  add column purged_at timestamptz,
  add column purged_after_days integer;
create index reference_requests_unpurged on reference_requests (connection_id) where purged_at is null;
create index checks_request on checks (request_id);

-- A purged referee's address is empty: the one-nomination-per-address rule is about people, not blanks.
drop index referees_one_email;
create unique index referees_one_email on referees (request_id, lower(email)) where status <> 'replaced' and email <> '';

-- Answers from the completion API removed before the portal; nothing reads or writes it.
drop table reference_responses;
