import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { SignJWT, jwtVerify } from 'jose';
import type { CallContext } from '../context.js';
import type { Executor } from '../db/client.js';
import { accounts, type Account } from '../db/schema.js';
import { hashPassword, verifyPassword } from '../domain/passwords.js';
import type { Role } from '../domain/roles.js';
import { UnauthenticatedError } from '../domain/errors.js';
import { accountKey, addressKey, retryAfterMs } from '../domain/login-throttle.js';
import { countAttempt, uncountAttempt } from './login-throttle.service.js';

export const TOKEN_TTL_SECONDS = 24 * 60 * 60;
const BAD_LOGIN = 'Wrong username or password';

export interface Viewer {
  id: number;
  username: string;
  role: Role;
  /** The account's version when the token was issued (accounts.version); another version is refused. */
  version: number;
  /** Token expiry (epoch seconds): sockets are closed when it passes. */
  exp?: number;
}

// Compared against when the username is unknown, so both failures cost the same time.
const DUMMY_HASH = hashPassword(randomBytes(16).toString('hex'));

/**
 * Signs in from the caller's address `ip`. The attempt is counted against the account and the
 * address before the password is checked; either past its limit refuses it unchecked.
 */
export async function login(c: CallContext, ip: string, username: string, password: string) {
  const now = c.now();
  return throttled(c, ip, username, () => issueToken(c.db, c.app.config.secretKey, username, password, now));
}

/**
 * Runs a password check for `username` from `ip` under the login throttle: the attempt is counted
 * against the account and the address first, and refused unchecked when either is past its limit.
 */
export async function throttled<T>(c: CallContext, ip: string, username: string, check: () => Promise<T>): Promise<T> {
  const now = c.now();
  const counts = await countAttempt(c.db, [accountKey(username), addressKey(ip)], now);
  const wait = retryAfterMs(counts, now.getTime());
  if (wait > 0) {
    await uncountAttempt(c.db, counts);
    c.log.warn({ username, ip }, 'sign-in refused: too many failures');
    throw new UnauthenticatedError(`Too many failed sign-ins; try again in ${Math.ceil(wait / 1000)} s`);
  }
  const result = await check();
  // Only a success is given back: a failure, or an error on the way, stays counted.
  await uncountAttempt(c.db, counts);
  return result;
}

/** Whether `password` is the account's; costs the same time for an unknown account. */
export async function passwordMatches(account: Account | undefined, password: string): Promise<boolean> {
  const ok = await verifyPassword(password, account?.passwordHash ?? (await DUMMY_HASH));
  return Boolean(account) && ok;
}

async function issueToken(db: Executor, secretKey: string, username: string, password: string, now: Date) {
  const [account] = await db.select().from(accounts).where(eq(accounts.username, username));
  if (!account || !(await passwordMatches(account, password))) throw new UnauthenticatedError(BAD_LOGIN);
  // Told only to whoever knows the password: the booth learns why the device is shut out.
  if (account.disabledAt) throw new UnauthenticatedError('This account is disabled');
  const viewer: Viewer = { id: account.id, username: account.username, role: account.role, version: account.version };
  const expiresAt = new Date(now.getTime() + TOKEN_TTL_SECONDS * 1000);
  return { token: await signToken(secretKey, viewer, now, expiresAt), expiresAt, account };
}

function key(secretKey: string) {
  return new TextEncoder().encode(secretKey);
}

export async function signToken(secretKey: string, viewer: Viewer, issuedAt: Date, expiresAt: Date): Promise<string> {
  return new SignJWT({ username: viewer.username, role: viewer.role, ver: viewer.version })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(String(viewer.id))
    .setIssuedAt(Math.floor(issuedAt.getTime() / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(key(secretKey));
}

const VERIFIED_MAX = 1000;
const verified = new Map<string, Viewer>();

/** Reads `Bearer <jwt>` (or a bare token); null when absent, UnauthenticatedError when invalid or expired. */
export async function viewerFromAuthorization(secretKey: string, header: unknown): Promise<Viewer | null> {
  if (header === undefined || header === null || header === '') return null;
  if (typeof header !== 'string') throw new UnauthenticatedError('Malformed authorization');
  const token = header.replace(/^Bearer(\s+|$)/i, '').trim();
  // GraphiQL's header editor starts as "Bearer " with no token: that caller is simply anonymous.
  if (token === '') return null;
  const cacheKey = `${secretKey}\u0000${token}`;
  const cached = verified.get(cacheKey);
  if (cached && (cached.exp ?? 0) * 1000 > Date.now()) return cached;
  try {
    const { payload } = await jwtVerify(token, key(secretKey), {
      algorithms: ['HS256'],
      // A token that never expires is never issued here: one without `exp` is forged or leaked.
      requiredClaims: ['exp', 'sub'],
    });
    const role = payload.role as Role;
    if (
      !payload.sub ||
      typeof payload.username !== 'string' ||
      !['ADMIN', 'STAFF', 'TABLET', 'VR_GAME'].includes(role)
    ) {
      throw new Error('claims');
    }
    // Tokens issued before accounts had versions carry none: they belong to the first version.
    const version = payload.ver === undefined ? 1 : payload.ver;
    if (!Number.isSafeInteger(version)) throw new Error('claims');
    const viewer: Viewer = {
      id: Number(payload.sub),
      username: payload.username,
      role,
      version: version as number,
      exp: payload.exp,
    };
    // Devices send the same token with every request: verify it once (bounded; oldest forgotten first).
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
    verified.set(cacheKey, viewer);
    return viewer;
  } catch (err) {
    const expired = (err as { code?: string }).code === 'ERR_JWT_EXPIRED';
    throw expired
      ? new UnauthenticatedError('Your session has expired; sign in again', { expired })
      : new UnauthenticatedError('Invalid token');
  }
}
