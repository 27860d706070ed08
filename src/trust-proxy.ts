import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * TRUST_PROXY: whose X-Forwarded-For the api believes for a client's IP (express's `trust proxy`).
 * A hop count (`1`: the one proxy in front), or a comma-separated list of addresses and CIDRs,
 * with express's names `loopback`, `linklocal` and `uniquelocal`. Never "everyone": then any
 * client could write its own X-Forwarded-For and pass for the candidate or a referee.
 */
const NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

const isAddressOrCidr = (item: string) => {
  if (NAMES.has(item)) return true;
  const [address, prefix, extra] = item.split('/');
  if (extra !== undefined || !isIP(address)) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (isIP(address) === 4 ? 32 : 128);
};

export const TrustProxy = z.string().trim().transform((value, ctx): number | string[] => {
  if (/^\d+$/.test(value)) return Number(value);
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = items.filter((i) => !isAddressOrCidr(i));
  if (!items.length || bad.length) {
    ctx.addIssue({ code: 'custom', message: 'a hop count, or addresses and CIDRs (e.g. "loopback, 172.16.0.0/12"); "true" is refused: it lets any client pick its own IP' });
    return z.NEVER;
  }
  return items;
});
