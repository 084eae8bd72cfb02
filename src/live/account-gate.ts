// Whether a token's account still stands: enabled, and at the version the token carries. Each API
// process keeps what it read of each account and forgets it when the accounts trigger announces a
// change (a password, a disable, a delete) on the LISTEN connection, so a revoked token stops
// working in every process within one notification, without polling. While the LISTEN connection
// is down nothing heard can be trusted, so every check reads the database until it is back.
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { accounts } from '../db/schema.js';
import { UnauthenticatedError } from '../domain/errors.js';
import type { Viewer } from '../services/auth.service.js';

export interface AccountGate {
  /** Throws UnauthenticatedError when the viewer's account was deleted, disabled or its tokens revoked. */
  check(viewer: Viewer): Promise<void>;
  /** The account changed (heard from Postgres, or made by this process). */
  changed(accountId: number): void;
  /** Notifications may have been missed: forget everything. */
  resync(): void;
  /** `listener` hears each change: an account id, or null when every account may have changed. */
  onChange(listener: (accountId: number | null) => void): () => void;
}

interface Standing {
  version: number;
  enabled: boolean;
}

const REVOKED = 'Your access was revoked (the password changed or the account was disabled); sign in again';
// Accounts are a handful; this only bounds memory against surprises.
const KNOWN_MAX = 10_000;

export function createAccountGate(db: Db, listening: () => boolean): AccountGate {
  const known = new Map<number, Standing | null>();
  const listeners = new Set<(accountId: number | null) => void>();
  // Moves on with every change heard: a read that started before a change must not be remembered.
  let epoch = 0;

  async function standing(id: number): Promise<Standing | null> {
    const trusted = listening();
    if (trusted && known.has(id)) return known.get(id)!;
    const startedAt = epoch;
    const [row] = await db
      .select({ version: accounts.version, disabledAt: accounts.disabledAt })
      .from(accounts)
      .where(eq(accounts.id, id));
    const found = row ? { version: row.version, enabled: row.disabledAt === null } : null;
    if (trusted && listening() && epoch === startedAt) {
      if (known.size >= KNOWN_MAX) known.clear();
      known.set(id, found);
    }
    return found;
  }

  function emit(accountId: number | null) {
    for (const listener of listeners) listener(accountId);
  }

  return {
    async check(viewer) {
      const found = await standing(viewer.id);
      if (!found || !found.enabled || found.version !== viewer.version) throw new UnauthenticatedError(REVOKED);
    },
    changed(accountId) {
      epoch++;
      known.delete(accountId);
      emit(accountId);
    },
    resync() {
      epoch++;
      known.clear();
      emit(null);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
