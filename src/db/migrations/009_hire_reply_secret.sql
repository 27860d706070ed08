-- Hire answers by mail (issue 7, finding 4) and the final first answer (low finding).
--
-- reply_code: the secret in the reply-to address (hire+<reply_code>@INBOUND_MAIL_DOMAIN). It is not
-- the code the hire links sign, so a link seen by a mail scanner or a proxy cannot answer by mail.
-- Questions asked before this migration have none: they are answered by link only.
alter table hire_questions
  add column reply_code text unique,
  -- when the answer reached the workflow; null while it is stored but not yet delivered
  add column delivered_at timestamptz,
  -- replies that could not be read, each answered with a request for yes or no (capped, see src/mail/inbound.ts)
  add column unclear_replies integer not null default 0;

-- Questions answered before this migration were delivered (an undelivered claim was given back).
update hire_questions set delivered_at = answered_at where answered_at is not null;

-- The first stored answer is final: a signal that timed out may still have reached the workflow,
-- so a second, different answer must never be stored beside it. Deleting the row (purges) is allowed.
create function hire_answer_is_final() returns trigger language plpgsql as $$
begin
  if old.answer is not null and (new.answer is distinct from old.answer or new.answered_at is distinct from old.answered_at) then
    raise exception 'this hire question is already answered' using errcode = 'check_violation';
  end if;
  return new;
end $$;

create trigger hire_answer_is_final before update on hire_questions
  for each row execute function hire_answer_is_final();
