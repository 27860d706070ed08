-- Links are signed, not stored, so a revocation names what it stops: every link of one purpose for
-- one subject (a request, a referee) signed before a moment. Renewing a report link and cancelling
-- a check write here; verifying a link reads it.
create table link_revocations (
  purpose text not null,
  subject text not null,
  revoked_before timestamptz not null,
  reason text not null,
  primary key (purpose, subject)
);
