// Account management: ADMIN creates, disables and re-enables accounts and sets passwords; any
// account may set its own with its current password. A password change or a disable moves the
// account's version on, which revokes every token it holds: the accounts trigger announces the
// change, and every API process forgets what it knew of the account (src/live/account-gate.ts).
import { and, asc, eq, isNull, ne, sql } from 'drizzle-orm';
import { inTransaction, type CallContext } from '../context.js';
import type { Tx } from '../db/client.js';
import { lock } from '../db/locks.js';
import { accounts, type Account } from '../db/schema.js';
import { checkFields, isDeviceAccount, passwordProblem, usernameProblem } from '../domain/accounts.js';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../domain/errors.js';
import { hashPassword } from '../domain/passwords.js';
import type { Role } from '../domain/roles.js';
import { recordAudit } from './audit.service.js';
import { passwordMatches, throttled, type Viewer } from './auth.service.js';

export function listAccounts(c: CallContext): Promise<Account[]> {
  return c.db.select().from(accounts).orderBy(asc(accounts.username));
}

export async function accountById(c: CallContext, id: number): Promise<Account | null> {
  const [row] = await c.db.select().from(accounts).where(eq(accounts.id, id));
  return row ?? null;
}

export async function createAccount(
  c: CallContext,
  input: { username: string; role: Role; password: string },
): Promise<Account> {
  const username = input.username.trim();
  checkFields({ username: usernameProblem(username), password: passwordProblem(input.password) });
  const passwordHash = await hashPassword(input.password);
  return inTransaction(c, async (tx) => {
    const [created] = await tx
      .insert(accounts)
      .values({ username, role: input.role, passwordHash, createdAt: c.now() })
      .onConflictDoNothing({ target: accounts.username })
      .returning();
    if (!created) throw new ConflictError(`An account named ${username} already exists`, { username });
    await recordAudit(tx, c, 'account.create', subjectOf(username), { role: input.role });
    return created;
  });
}

/**
 * Sets `username`'s password. ADMIN may set any account's; any other account only its own, and only
 * with its current password (checked under the login throttle, as a sign-in is).
 */
export async function setPassword(
  c: CallContext,
  viewer: Viewer,
  ip: string,
  input: { username: string; password: string; currentPassword?: string | null },
): Promise<Account> {
  const self = input.username === viewer.username;
  if (viewer.role !== 'ADMIN' && !self) {
    throw new ForbiddenError('Only an ADMIN may set the password of another account');
  }
  checkFields({ password: passwordProblem(input.password) });
  if (viewer.role !== 'ADMIN') {
    const current = input.currentPassword ?? '';
    await throttled(c, ip, input.username, async () => {
      const [account] = await c.db.select().from(accounts).where(eq(accounts.id, viewer.id));
      if (!(await passwordMatches(account, current))) {
        throw new BadInputError({ currentPassword: 'is not the current password of this account' });
      }
    });
  }
  const passwordHash = await hashPassword(input.password);
  return changeAccount(c, input.username, 'account.password', null, async (tx, account) => {
    const [row] = await tx
      .update(accounts)
      .set({ passwordHash, version: sql`${accounts.version} + 1` })
      .where(eq(accounts.id, account.id))
      .returning();
    return row!;
  });
}

export function disableAccount(c: CallContext, username: string): Promise<Account> {
  return changeAccount(c, username, 'account.disable', null, async (tx, account) => {
    if (account.disabledAt) return account;
    await keepAnAdmin(tx, account, 'disabled');
    const [row] = await tx
      .update(accounts)
      .set({ disabledAt: c.now(), version: sql`${accounts.version} + 1` })
      .where(eq(accounts.id, account.id))
      .returning();
    return row!;
  });
}

/** Lets the account sign in again; tokens revoked when it was disabled stay revoked. */
export function enableAccount(c: CallContext, username: string): Promise<Account> {
  return changeAccount(c, username, 'account.enable', null, async (tx, account) => {
    if (!account.disabledAt) return account;
    const [row] = await tx.update(accounts).set({ disabledAt: null }).where(eq(accounts.id, account.id)).returning();
    return row!;
  });
}

/** Removes an account for good (its tokens with it). The device accounts are only ever rotated or disabled. */
export function deleteAccount(c: CallContext, username: string): Promise<Account> {
  return changeAccount(c, username, 'account.delete', null, async (tx, account) => {
    if (isDeviceAccount(account.username)) {
      throw new ConflictError(
        `${account.username} is a device account: change its password or disable it, it cannot be deleted`,
        { username: account.username },
      );
    }
    await keepAnAdmin(tx, account, 'deleted');
    await tx.delete(accounts).where(eq(accounts.id, account.id));
    return account;
  });
}

/**
 * One account change: serialized with every other (so the last-ADMIN rule holds under concurrency),
 * audited in the same transaction, and announced by the accounts trigger at commit. This process
 * forgets the account at once too, rather than when its own notification comes back.
 */
async function changeAccount(
  c: CallContext,
  username: string,
  action: 'account.password' | 'account.disable' | 'account.enable' | 'account.delete',
  detail: Record<string, unknown> | null,
  change: (tx: Tx, account: Account) => Promise<Account>,
): Promise<Account> {
  const result = await inTransaction(c, async (tx) => {
    await lock(tx, 'accounts');
    const [account] = await tx.select().from(accounts).where(eq(accounts.username, username)).for('update');
    if (!account) throw new NotFoundError('Account', username);
    const changed = await change(tx, account);
    // A change that finds the account already as asked (disabling a disabled one) changes nothing and is not recorded.
    if (changed !== account || action === 'account.delete') {
      await recordAudit(tx, c, action, subjectOf(account.username), detail);
    }
    return changed;
  });
  c.app.live?.accounts.changed(result.id);
  return result;
}

async function keepAnAdmin(tx: Tx, account: Account, what: 'disabled' | 'deleted'): Promise<void> {
  if (account.role !== 'ADMIN' || account.disabledAt) return;
  const others = await tx
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(eq(accounts.role, 'ADMIN'), isNull(accounts.disabledAt), ne(accounts.id, account.id)))
    .limit(1);
  if (others.length === 0) {
    throw new ConflictError(`${account.username} is the last enabled ADMIN and cannot be ${what}`, {
      username: account.username,
    });
  }
}

const subjectOf = (username: string) => `account:${username}`;
