-- The console: organisations own connections (and through them templates and checks); accounts
-- sign in to it; every action taken there is audited; every check has a row the console lists.

create table organisations (
  id text primary key,
  name text not null,
  created_at timestamptz not null default now()
);

create table accounts (
  id text primary key,
  organisation_id text not null references organisations (id) on delete cascade,
  email text not null,
  name text not null,
  role text not null check (role in ('admin', 'recruiter')),
  -- bcrypt; null until the account's invitation link has been used
  password_hash text,
  created_at timestamptz not null default now(),
  last_login_at timestamptz
);
create unique index accounts_email on accounts (lower(email));

-- One-time links: the first admin's setup link and invitations. Only a hash of the token is kept.
create table account_links (
  token_hash text primary key,
  purpose text not null check (purpose in ('setup', 'invite')),
  account_id text references accounts (id) on delete cascade,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);

-- connect-pg-simple's session table (its own schema, created here rather than at run time).
create table console_sessions (
  sid varchar not null primary key,
  sess json not null,
  expire timestamp(6) not null
);
create index console_sessions_expire on console_sessions (expire);

-- Failed sign-ins, counted per address and per client IP to slow down guessing (shared by every api process).
create table login_failures (
  id bigserial primary key,
  email_key text not null,
  ip text not null,
  at timestamptz not null default now()
);
create index login_failures_email on login_failures (email_key, at);
create index login_failures_ip on login_failures (ip, at);

-- Who did what in the console, and when.
create table audit_log (
  id bigserial primary key,
  organisation_id text not null references organisations (id) on delete cascade,
  account_id text references accounts (id) on delete set null,
  action text not null,
  target text,
  detail jsonb,
  at timestamptz not null default now()
);
create index audit_log_org on audit_log (organisation_id, id desc);

-- Connections belong to an organisation; ones made before the console (CLI, API) are adopted by
-- the first organisation set up. A connection without a trigger stage starts nothing yet.
alter table lever_connections
  add column organisation_id text references organisations (id) on delete cascade,
  add column enabled boolean not null default true,
  add column confidential_access boolean not null default false,
  -- the API key's last four characters, so the console can show which key is set without opening it
  add column api_key_hint text,
  add column updated_at timestamptz not null default now(),
  alter column trigger_stage_id drop not null;
create index lever_connections_org on lever_connections (organisation_id);

create index webhook_deliveries_connection_event on webhook_deliveries (connection_id, event, id desc);

-- One row per check (per workflow id; a restart moves it to the new run), written by the
-- workflow's activities. The console lists these; the current step is derived from the request,
-- its referees and the hire outcome rather than stored twice.
create table checks (
  workflow_id text primary key,
  run_id text not null,
  connection_id text not null references lever_connections (id) on delete cascade,
  opportunity_id text not null,
  candidate_name text,
  posting_title text,
  request_id text references reference_requests (id) on delete set null,
  outcome text,
  started_by text,
  started_at timestamptz not null default now(),
  finished_at timestamptz
);
-- Keyset pagination, newest first (the organisation's connections are a handful; its checks are many).
create index checks_recent on checks (started_at desc, workflow_id desc);
create index checks_connection on checks (connection_id, started_at desc, workflow_id desc);
create index checks_opportunity on checks (opportunity_id);
create index checks_posting on checks (connection_id, posting_title);
