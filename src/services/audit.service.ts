// The audit log: one row per change staff may later be asked about, written in the change's own
// transaction so a rolled-back change leaves no row and a committed one always has its row.
import { desc } from 'drizzle-orm';
import type { CallContext } from '../context.js';
import type { Executor } from '../db/client.js';
import { auditLog, type AuditEntry } from '../db/schema.js';
import type { AuditAction } from '../domain/accounts.js';
import { BadInputError } from '../domain/errors.js';

export const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 500;

export async function recordAudit(
  tx: Executor,
  c: CallContext,
  action: AuditAction,
  subject: string,
  detail: Record<string, unknown> | null = null,
): Promise<void> {
  await tx.insert(auditLog).values({ at: c.now(), actor: c.actor, action, subject, detail });
}

/** The latest `limit` rows, newest first. */
export async function latestAudit(c: CallContext, limit: number | null | undefined): Promise<AuditEntry[]> {
  const n = limit ?? AUDIT_PAGE_DEFAULT;
  if (!Number.isInteger(n) || n < 1 || n > AUDIT_PAGE_MAX) {
    throw new BadInputError({ limit: `must be a whole number from 1 to ${AUDIT_PAGE_MAX}` });
  }
  return c.db.select().from(auditLog).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(n);
}
