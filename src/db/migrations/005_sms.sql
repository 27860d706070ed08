-- Text messages, the second channel beside mail. The candidate's phone comes from Lever (read once
-- with the opportunity) and is kept with the request, like the candidate's email; a referee's comes
-- from the candidate's nomination (referees.phone).
alter table checks add column candidate_phone text;
alter table reference_requests add column candidate_phone text;

-- One row per text refcheck means to send, keyed like sent_mails (workflow, run, step). A row is
-- claimed ('sending', with the exact message sealed) before the provider is called, so a retry
-- after a lost answer sends the same message, or finds it at the provider, instead of a second one.
create table sent_texts (
  idempotency_key text primary key,
  request_id text references reference_requests (id) on delete cascade,
  -- candidate-invitation, candidate-reminder, referee-invitation, referee-reminder, ... (for the timeline)
  kind text not null,
  referee_id text references referees (id) on delete cascade,
  status text not null check (status in ('sending', 'sent', 'skipped', 'failed')),
  -- the message while it is being sent (AES-GCM sealed: it holds a link), cleared once sent
  sealed_message text,
  body_sha256 text,
  provider_message_id text,
  segments integer,
  -- why it was skipped or failed, in words support can act on; never the number or the text
  reason text,
  claimed_at timestamptz not null default now(),
  settled_at timestamptz
);
create index sent_texts_request on sent_texts (request_id);
