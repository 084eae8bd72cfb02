// Account rules: what a username and a password must be, which accounts the booth cannot lose,
// and what the audit log records.
import { BadInputError } from './errors.js';
import { DEVICE_ACCOUNTS } from './roles.js';

/** A tablet left on a counter is the usual threat: a long password, not a clever one. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;
const USERNAME = /^[a-z0-9][a-z0-9._-]{1,31}$/;

/** The field's problem with a new password, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters long`;
  if (password.length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters long`;
  return null;
}

/** The field's problem with a new username, or null when it is acceptable. */
export function usernameProblem(username: string): string | null {
  if (!USERNAME.test(username))
    return 'must be 2 to 32 characters: lowercase letters, digits, ".", "_" or "-", starting with a letter or digit';
  // Recorded as the actor of automatic work and of signed-out callers: no account may pass for them.
  if (RESERVED_USERNAMES.includes(username)) return 'is reserved';
  return null;
}

const RESERVED_USERNAMES = ['system', 'anonymous'];

/** Throws one BadInputError naming every offending field. */
export function checkFields(problems: Record<string, string | null>): void {
  const fields = Object.fromEntries(Object.entries(problems).filter(([, p]) => p !== null)) as Record<string, string>;
  if (Object.keys(fields).length) throw new BadInputError(fields);
}

/** The booth's devices sign in with these: their passwords may change, the accounts never go away. */
export function isDeviceAccount(username: string): boolean {
  return DEVICE_ACCOUNTS.some((d) => d.username === username);
}

/** What an audit row records. */
export const AUDIT_ACTIONS = [
  'account.create',
  'account.password',
  'account.disable',
  'account.enable',
  'account.delete',
  'game.correct',
  'player.erase',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
