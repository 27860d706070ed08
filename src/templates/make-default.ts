import type { Db } from '../db/pool';
import { listTemplates, updateTemplate, type Template } from '../db/templates';

/**
 * Makes a template its connection's default in one transaction: the old default gives the mark
 * up first (templates_one_default allows one), so a failure leaves the old default in place and
 * no moment exists without one. The writes are src/db's own functions, run on the transaction.
 */
export async function makeDefaultTemplate(db: Db, connectionId: string, id: string): Promise<Template | undefined> {
  return db.withTransaction(async (client) => {
    const tx = onClient(db, client);
    const all = await listTemplates(tx, connectionId);
    const target = all.find((t) => t.id === id);
    if (!target || target.isDefault) return target;
    for (const t of all.filter((x) => x.isDefault)) await updateTemplate(tx, connectionId, t.id, { ...t, isDefault: false });
    return updateTemplate(tx, connectionId, id, { ...target, isDefault: true });
  });
}

type TxClient = Parameters<Parameters<Db['withTransaction']>[0]>[0];

/** The Db interface over one client already inside a transaction (no nested transactions). */
function onClient(db: Db, client: TxClient): Db {
  return {
    pool: db.pool,
    query: async (text, values = []) => (await client.query(text, values)).rows,
    withTransaction: (fn) => fn(client),
    close: async () => undefined,
  };
}
