-- Prospects: referees who ticked "hear about jobs" (referees.opt_in_jobs). Per connection, whether
-- new ones go to Lever by themselves, as which Lever user and with which tag; per prospect, whether
-- and when it went to Lever (and as which opportunity); per connection, the last export's run.

alter table lever_connections
  add column prospect_auto_export boolean not null default false,
  -- a Lever user id (Lever's create-candidate call requires perform_as); null until an admin picks one
  add column prospect_perform_as text,
  add column prospect_tag text not null default 'refcheck prospect' check (length(prospect_tag) between 1 and 100);

-- One row per prospect that an export has touched. A claim (claimed_by, claimed_until) keeps two
-- exports of the same prospect (the console's and an automatic one) from both creating it in Lever;
-- a dead worker's claim lapses on its own.
create table prospect_exports (
  referee_id text primary key references referees (id) on delete cascade,
  connection_id text not null references lever_connections (id) on delete cascade,
  lever_opportunity_id text,
  -- 'created': refcheck made the lead; 'existing': Lever already had the person, refcheck tagged them
  outcome text check (outcome in ('created', 'existing')),
  exported_at timestamptz,
  exported_by text,
  claimed_by text,
  claimed_until timestamptz,
  last_error text,
  failed_at timestamptz
);
create index prospect_exports_connection on prospect_exports (connection_id, exported_at);

-- The last "export all" per connection (one runs at a time): the console's progress bar reads it
-- with the prospects' exported_at.
create table prospect_export_runs (
  connection_id text primary key references lever_connections (id) on delete cascade,
  workflow_id text not null,
  export_id text not null,
  total integer not null,
  started_by text,
  started_at timestamptz not null default now(),
  finished_at timestamptz
);

create index referees_opt_in on referees (request_id) where opt_in_jobs;
