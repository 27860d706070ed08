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

export type DeliveryRow = { connection_id: string | null; event: string | null; opportunity_id: string | null; outcome: string; http_status: number };

export async function listDeliveries(db: Db, connectionId: string): Promise<DeliveryRow[]> {
  return db.query<DeliveryRow>(
    'select connection_id, event, opportunity_id, outcome, http_status from webhook_deliveries where connection_id = $1 order by id',
    [connectionId],
  );
}
