-- Each Lever delivery's `token` (Lever makes one per delivery and signs only it and triggeredAt),
-- remembered per connection with a hash of the body it came with: the same token with another body
-- is a replayed envelope carrying forged `data`. Both are hashed: equality is all that is needed.
-- Kept while a replay could still pass the triggeredAt window; purgeExpiredWebhookTokens drops the rest.
create table webhook_delivery_tokens (
  connection_id text not null references lever_connections (id) on delete cascade,
  token_sha256 bytea not null,
  body_sha256 bytea not null,
  triggered_at timestamptz not null,
  primary key (connection_id, token_sha256)
);
create index webhook_delivery_tokens_triggered_at on webhook_delivery_tokens (triggered_at);

-- Deliveries are now recorded only once verified; rows the old ingress wrote for any request
-- (unknown connections, attacker-chosen values) go now.
delete from webhook_deliveries d where not exists (select 1 from lever_connections c where c.id = d.connection_id);
-- The retention sweep deletes by age.
create index webhook_deliveries_received_at on webhook_deliveries (received_at);
