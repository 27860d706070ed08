-- The reference check itself: complete templates, the candidate's nominations, one row per
-- referee with their answers, and a timeline of what happened to each request.

-- A template's full definition (survey, referee requirements, mail texts, reminders, deadlines,
-- conclusion rule) as validated JSON; the older columns stay for runs started before this.
alter table templates
  add column description text,
  add column settings jsonb,
  add column updated_at timestamptz not null default now();

-- The template as it was when the request opened: later edits do not change running requests.
alter table reference_requests
  add column template_snapshot jsonb,
  add column consent_at timestamptz,
  add column nominated_at timestamptz,
  add column candidate_ip text,
  add column candidate_user_agent text;

create table referees (
  id text primary key,
  request_id text not null references reference_requests (id) on delete cascade,
  slot integer not null,
  relationship text not null check (relationship in ('manager', 'peer', 'direct-report', 'client', 'other')),
  optional boolean not null default false,
  name text not null,
  email text not null,
  phone text,
  company text,
  title text,
  worked_together text,
  status text not null default 'nominated'
    check (status in ('nominated', 'invited', 'answered', 'declined', 'expired', 'replaced')),
  replaces text references referees (id),
  nominated_at timestamptz not null default now(),
  invited_at timestamptz,
  opened_at timestamptz,
  concluded_at timestamptz,
  -- What the referee confirmed about themselves on their page (name, title, company, relationship).
  confirmed jsonb,
  answers jsonb,
  decline_reason text,
  opt_in_jobs boolean not null default false,
  submit_ip text,
  submit_user_agent text,
  reminders_sent integer not null default 0
);
-- A person is nominated once per request (a replaced referee frees the address).
create unique index referees_one_email on referees (request_id, lower(email)) where status <> 'replaced';
create index referees_request on referees (request_id, slot);

create table request_events (
  id bigserial primary key,
  request_id text not null references reference_requests (id) on delete cascade,
  referee_id text references referees (id) on delete cascade,
  kind text not null,
  -- set by activities (workflow id + step), so a retried activity records its event once
  dedupe_key text unique,
  at timestamptz not null default now()
);
create index request_events_request on request_events (request_id, id);
