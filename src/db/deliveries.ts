import type { Db } from './pool';

export type Delivery = {
  connectionId: string | null;
  event: string | null;
  opportunityId: string | null;
  outcome: string;
  httpStatus: number;
  workflowId?: string | null;
  triggeredAt?: number | null;
};

export async function recordDelivery(db: Db, d: Delivery): Promise<void> {
  await db.query(
    `insert into webhook_deliveries (connection_id, event, opportunity_id, outcome, http_status, workflow_id, triggered_at)
     values ($1, $2, $3, $4, $5, $6, to_timestamp($7::double precision / 1000))`,
    [d.connectionId, d.event, d.opportunityId, d.outcome, d.httpStatus, d.workflowId ?? null, d.triggeredAt ?? null],
  );
}

/** Many deliveries in one statement (the ingress's log, batched off the acknowledgement path), in the order given. */
export async function recordDeliveries(db: Db, ds: Delivery[]): Promise<void> {
  if (ds.length === 1) return recordDelivery(db, ds[0]);
  await db.query(
    `insert into webhook_deliveries (connection_id, event, opportunity_id, outcome, http_status, workflow_id, triggered_at)
     select c, e, o, oc, s, w, to_timestamp(t / 1000)
       from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::double precision[]) with ordinality as d(c, e, o, oc, s, w, t, n)
      order by n`,
    [ds.map((d) => d.connectionId), ds.map((d) => d.event), ds.map((d) => d.opportunityId), ds.map((d) => d.outcome), ds.map((d) => d.httpStatus),
      ds.map((d) => d.workflowId ?? null), ds.map((d) => d.triggeredAt ?? null)],
  );
}

export type DeliveryRow = { connection_id: string | null; event: string | null; opportunity_id: string | null; outcome: string; http_status: number };

export async function listDeliveries(db: Db, connectionId: string): Promise<DeliveryRow[]> {
  return db.query<DeliveryRow>(
    'select connection_id, event, opportunity_id, outcome, http_status from webhook_deliveries where connection_id = $1 order by id',
    [connectionId],
  );
}

/**
 * Deletes deliveries received before `olderThan` (WEBHOOK_DELIVERY_RETENTION_DAYS), except, for each
 * webhook of a connection that still exists, its newest delivery and its newest ping: the console's
 * "last delivery" and "Verify the connection: seen" read those. Returns how many went.
 */
export async function purgeExpiredDeliveries(db: Db, olderThan: Date): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `with newest as (
       select max(w.id) as id from webhook_deliveries w join lever_connections c on c.id = w.connection_id group by w.connection_id, w.event
       union
       select max(w.id) from webhook_deliveries w join lever_connections c on c.id = w.connection_id where w.outcome = 'ping' group by w.connection_id, w.event
     ), gone as (
       delete from webhook_deliveries d where d.received_at < $1 and d.id not in (select id from newest) returning 1
     )
     select count(*)::int as n from gone`,
    [olderThan],
  );
  return row.n;
}
