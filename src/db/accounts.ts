import type { Db } from './pool';

/** Organisations, the accounts that sign in to the console, and their one-time links. */
export type Role = 'admin' | 'recruiter';
export type Account = { id: string; organisationId: string; organisationName: string; email: string; name: string; role: Role; passwordHash: string | null };

type AccountRow = { id: string; organisation_id: string; organisation_name: string; email: string; name: string; role: Role; password_hash: string | null };
const toAccount = (r: AccountRow): Account => ({
  id: r.id, organisationId: r.organisation_id, organisationName: r.organisation_name, email: r.email, name: r.name, role: r.role, passwordHash: r.password_hash,
});
const SELECT_ACCOUNT = `select a.id, a.organisation_id, o.name as organisation_name, a.email, a.name, a.role, a.password_hash
  from accounts a join organisations o on o.id = a.organisation_id`;

export async function countAccounts(db: Db): Promise<number> {
  const [row] = await db.query<{ n: string }>('select count(*) as n from accounts');
  return Number(row.n);
}

export async function findAccountByEmail(db: Db, email: string): Promise<Account | undefined> {
  const [row] = await db.query<AccountRow>(`${SELECT_ACCOUNT} where lower(a.email) = lower($1)`, [email]);
  return row ? toAccount(row) : undefined;
}

export async function findAccount(db: Db, id: string): Promise<Account | undefined> {
  const [row] = await db.query<AccountRow>(`${SELECT_ACCOUNT} where a.id = $1`, [id]);
  return row ? toAccount(row) : undefined;
}

export async function listAccounts(db: Db, organisationId: string): Promise<(Account & { lastLoginAt: Date | null })[]> {
  const rows = await db.query<AccountRow & { last_login_at: Date | null }>(`${SELECT_ACCOUNT.replace('a.password_hash', 'a.password_hash, a.last_login_at')} where a.organisation_id = $1 order by a.created_at`, [organisationId]);
  return rows.map((r) => ({ ...toAccount(r), lastLoginAt: r.last_login_at }));
}

/**
 * The first organisation and its admin, from the setup link, in one transaction: the link is
 * spent, and connections made before the console (CLI, API) join the new organisation.
 * Returns undefined when the link is unknown, spent or expired, or an account already exists.
 */
export async function completeSetup(db: Db, tokenHash: string, o: { organisationId: string; organisationName: string; accountId: string; email: string; name: string; passwordHash: string }): Promise<'done' | 'invalid-link' | 'email-taken'> {
  return db.withTransaction(async (tx) => {
    const spent = await tx.query(`update account_links set used_at = now() where token_hash = $1 and purpose = 'setup' and used_at is null and expires_at > now() returning 1`, [tokenHash]);
    if (spent.rowCount !== 1) return 'invalid-link';
    // A second setup link opened in another tab must not make a second organisation.
    const { rows } = await tx.query<{ n: string }>('select count(*) as n from accounts');
    if (Number(rows[0].n) > 0) return 'invalid-link';
    await tx.query('insert into organisations (id, name) values ($1, $2)', [o.organisationId, o.organisationName]);
    await tx.query(`insert into accounts (id, organisation_id, email, name, role, password_hash) values ($1, $2, $3, $4, 'admin', $5)`, [o.accountId, o.organisationId, o.email, o.name, o.passwordHash]);
    await tx.query('update lever_connections set organisation_id = $1 where organisation_id is null', [o.organisationId]);
    return 'done';
  });
}

/** An account invited by an admin: no password until the invitation link is used. */
export async function insertInvitedAccount(db: Db, a: { id: string; organisationId: string; email: string; name: string; role: Role }): Promise<'created' | 'email-taken'> {
  try {
    await db.query('insert into accounts (id, organisation_id, email, name, role) values ($1, $2, $3, $4, $5)', [a.id, a.organisationId, a.email, a.name, a.role]);
    return 'created';
  } catch (err) {
    if ((err as { code?: string }).code === '23505') return 'email-taken';
    throw err;
  }
}

export async function insertAccountLink(db: Db, l: { tokenHash: string; purpose: 'setup' | 'invite'; accountId: string | null; expiresAt: Date }): Promise<void> {
  await db.query('insert into account_links (token_hash, purpose, account_id, expires_at) values ($1, $2, $3, $4)', [l.tokenHash, l.purpose, l.accountId, l.expiresAt]);
}

export type AccountLink = { purpose: 'setup' | 'invite'; accountId: string | null; expiresAt: Date; usedAt: Date | null };
export async function findAccountLink(db: Db, tokenHash: string): Promise<AccountLink | undefined> {
  const [row] = await db.query<{ purpose: 'setup' | 'invite'; account_id: string | null; expires_at: Date; used_at: Date | null }>(
    'select purpose, account_id, expires_at, used_at from account_links where token_hash = $1', [tokenHash]);
  return row ? { purpose: row.purpose, accountId: row.account_id, expiresAt: row.expires_at, usedAt: row.used_at } : undefined;
}

/** Spends an invitation link and sets the account's password, once. */
export async function acceptInvitation(db: Db, tokenHash: string, passwordHash: string): Promise<string | undefined> {
  return db.withTransaction(async (tx) => {
    const { rows } = await tx.query<{ account_id: string }>(
      `update account_links set used_at = now() where token_hash = $1 and purpose = 'invite' and used_at is null and expires_at > now() returning account_id`, [tokenHash]);
    if (!rows[0]) return undefined;
    await tx.query('update accounts set password_hash = $2 where id = $1', [rows[0].account_id, passwordHash]);
    return rows[0].account_id;
  });
}

export async function deleteAccount(db: Db, organisationId: string, id: string): Promise<boolean> {
  const rows = await db.query('delete from accounts where organisation_id = $1 and id = $2 returning id', [organisationId, id]);
  return rows.length === 1;
}

export async function touchLogin(db: Db, id: string): Promise<void> {
  await db.query('update accounts set last_login_at = now() where id = $1', [id]);
}

/* ---- failed sign-ins, to slow down guessing ---- */

export async function recordLoginFailure(db: Db, emailKey: string, ip: string): Promise<void> {
  await db.query('insert into login_failures (email_key, ip) values ($1, $2)', [emailKey, ip]);
}

export async function recentLoginFailures(db: Db, emailKey: string, ip: string, windowSeconds: number): Promise<{ forEmail: number; forIp: number }> {
  const [row] = await db.query<{ for_email: string; for_ip: string }>(
    `select (select count(*) from login_failures where email_key = $1 and at > now() - make_interval(secs => $3)) as for_email,
            (select count(*) from login_failures where ip = $2 and at > now() - make_interval(secs => $3)) as for_ip`,
    [emailKey, ip, windowSeconds],
  );
  return { forEmail: Number(row.for_email), forIp: Number(row.for_ip) };
}

/** Sign-in failures older than the throttle could ever look back: they hold an address and an IP. */
export async function purgeOldLoginFailures(db: Db, olderThan: Date): Promise<number> {
  const rows = await db.query<{ n: number }>('with gone as (delete from login_failures where at < $1 returning 1) select count(*)::int as n from gone', [olderThan]);
  return rows[0].n;
}

export async function clearLoginFailures(db: Db, emailKey: string): Promise<void> {
  await db.query('delete from login_failures where email_key = $1', [emailKey]);
}

/* ---- audit ---- */

export async function audit(db: Db, e: { organisationId: string; accountId: string | null; action: string; target?: string | null; detail?: object }): Promise<void> {
  await db.query('insert into audit_log (organisation_id, account_id, action, target, detail) values ($1, $2, $3, $4, $5)',
    [e.organisationId, e.accountId, e.action, e.target ?? null, e.detail ? JSON.stringify(e.detail) : null]);
}

export type AuditEntry = { at: Date; action: string; target: string | null; accountName: string | null; detail: Record<string, unknown> | null };
export async function listAudit(db: Db, organisationId: string, opts: { target?: string; limit?: number } = {}): Promise<AuditEntry[]> {
  const rows = await db.query<{ at: Date; action: string; target: string | null; account_name: string | null; detail: Record<string, unknown> | null }>(
    `select l.at, l.action, l.target, a.name as account_name, l.detail from audit_log l left join accounts a on a.id = l.account_id
      where l.organisation_id = $1 and ($2::text is null or l.target = $2) order by l.id desc limit $3`,
    [organisationId, opts.target ?? null, opts.limit ?? 50],
  );
  return rows.map((r) => ({ at: r.at, action: r.action, target: r.target, accountName: r.account_name, detail: r.detail }));
}

/** An organisation made outside the setup link (tests, automation). */
export async function insertOrganisation(db: Db, o: { id: string; name: string }): Promise<void> {
  await db.query('insert into organisations (id, name) values ($1, $2)', [o.id, o.name]);
}

/** An account with its password already set (tests, automation; people use invitation links). */
export async function insertAccount(db: Db, a: { id: string; organisationId: string; email: string; name: string; role: Role; passwordHash: string }): Promise<void> {
  await db.query('insert into accounts (id, organisation_id, email, name, role, password_hash) values ($1, $2, $3, $4, $5, $6)', [a.id, a.organisationId, a.email, a.name, a.role, a.passwordHash]);
}
