-- One row per Lever write refcheck makes exactly once (a note, the report link, the outcome tags),
-- keyed by the write's marker. The row is claimed before the write and marked written after it:
-- a first attempt (no earlier claim) writes without reading Lever first; only a write whose claim
-- an earlier attempt left unfinished (response lost, worker killed, Postgres down at the mark, a
-- reset run) looks in Lever for it before writing. Ids only: no personal data.
create table lever_writes (
  connection_id text not null references lever_connections (id) on delete cascade,
  write_key text not null,
  opportunity_id text not null,
  claimed_at timestamptz not null default now(),
  written_at timestamptz,
  primary key (connection_id, write_key)
);
