/**
 * Whether a database error means Postgres cannot be reached or cannot serve now (worth a retry
 * later) rather than a refused query. Only the first kind is an outage: a query Postgres refuses
 * (invalid input, a constraint) fails the same way on every retry.
 */
export function isDatabaseOutage(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  const code = typeof e.code === 'string' ? e.code : '';
  // Node's socket errors (checked first: EPIPE looks like a SQLSTATE), then pg-pool's own connect timeout and dropped connections.
  if (/^E(CONNREFUSED|CONNRESET|CONNABORTED|TIMEDOUT|PIPE|NOTFOUND|AI_AGAIN|HOSTUNREACH|NETUNREACH)$/.test(code)) return true;
  // SQLSTATE: 08 connection exception, 53 insufficient resources, 57P0x shutdown / cannot connect now, 58 system error.
  if (/^[0-9A-Z]{5}$/.test(code)) return /^(08|53|57P0|58)/.test(code);
  return typeof e.message === 'string' && /timeout exceeded when trying to connect|Connection terminated|connection error/i.test(e.message);
}
