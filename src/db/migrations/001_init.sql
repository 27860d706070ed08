-- One Lever account's settings. Secrets are sealed (AES-256-GCM) by the application.
create table lever_connections (
  id text primary key,
  name text not null,
  lever_base_url text not null,
  api_key_sealed text not null,
  -- HMAC of the API key: groups connections that share a key for rate limiting, reveals nothing.
  api_key_fingerprint text not null,
  trigger_stage_id text not null,
  hire_confirmation_delay_seconds integer not null default 1209600 check (hire_confirmation_delay_seconds > 0),
  owner_answer_timeout_seconds integer not null default 2592000 check (owner_answer_timeout_seconds > 0),
  hire_sync text not null default 'note-and-tag' check (hire_sync in ('note-and-tag', 'archive-as-hired')),
  created_at timestamptz not null default now()
);

-- Lever gives every webhook its own signing token.
create table lever_webhook_tokens (
  connection_id text not null references lever_connections (id) on delete cascade,
  event text not null check (event in ('candidateStageChange', 'candidateHired', 'candidateArchiveChange', 'candidateDeleted')),
  token_sealed text not null,
  primary key (connection_id, event)
);

create table templates (
  id text primary key,
  connection_id text not null references lever_connections (id) on delete cascade,
  name text not null,
  ats_tag text,
  is_default boolean not null default false,
  required_references integer not null default 2 check (required_references between 1 and 20),
  deadline_seconds integer not null default 1209600 check (deadline_seconds > 0),
  created_at timestamptz not null default now()
);
create unique index templates_one_default on templates (connection_id) where is_default;
create unique index templates_tag on templates (connection_id, lower(btrim(ats_tag))) where ats_tag is not null;

-- Every webhook delivery, accepted or not. No secrets; ids only.
create table webhook_deliveries (
  id bigserial primary key,
  connection_id text,
  event text,
  opportunity_id text,
  outcome text not null,
  http_status integer not null,
  workflow_id text,
  triggered_at timestamptz,
  received_at timestamptz not null default now()
);
create index webhook_deliveries_opportunity on webhook_deliveries (opportunity_id, received_at);

-- One reference request per workflow run; run_id makes its creation idempotent under activity retries.
create table reference_requests (
  id text primary key,
  workflow_id text not null,
  run_id text not null unique,
  connection_id text not null references lever_connections (id) on delete cascade,
  opportunity_id text not null,
  template_id text not null references templates (id),
  candidate_name text not null,
  candidate_email text not null,
  posting_title text,
  required_references integer not null,
  deadline_at timestamptz not null,
  status text not null default 'open' check (status in ('open', 'completed', 'expired', 'cancelled')),
  created_at timestamptz not null default now(),
  concluded_at timestamptz
);
create index reference_requests_opportunity on reference_requests (connection_id, opportunity_id);

create table reference_responses (
  request_id text not null references reference_requests (id) on delete cascade,
  position integer not null,
  referee_name text not null,
  referee_email text,
  relationship text not null,
  answers jsonb not null,
  submitted_at timestamptz not null default now(),
  primary key (request_id, position)
);

create table hire_outcomes (
  run_id text primary key,
  workflow_id text not null,
  request_id text references reference_requests (id) on delete cascade,
  outcome text not null check (outcome in ('hired', 'not-hired', 'unconfirmed')),
  source text not null,
  decided_at timestamptz not null default now()
);

-- "Was <candidate> hired?" asked of the owner. The code is the secret in the reply-to address;
-- answered_at makes each question answerable once, whether by link or by reply.
create table hire_questions (
  code text primary key,
  workflow_id text not null,
  run_id text not null unique,
  request_id text not null references reference_requests (id) on delete cascade,
  owner_email text not null,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  answered_at timestamptz,
  answer text check (answer in ('yes', 'no')),
  answered_via text
);

-- Mails already sent, keyed by workflow + step, so a retried activity does not mail twice.
create table sent_mails (
  idempotency_key text primary key,
  message_id text not null,
  sent_at timestamptz not null default now()
);

-- A token bucket per Lever API key, shared by every worker process.
create table lever_rate_buckets (
  key_id text primary key,
  tokens double precision not null,
  refilled_at timestamptz not null
);
