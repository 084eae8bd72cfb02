import { randomBytes } from 'node:crypto';
import { count, eq, sql } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Db } from './client.js';
import { hashPassword, verifyPassword } from '../domain/passwords.js';
import { DEFAULT_TEXTS } from '../domain/messages.js';
import { DEVICE_ACCOUNTS } from '../domain/roles.js';
import { accounts, shows, teams } from './schema.js';

/**
 * Creates the three device accounts when missing (a configured password also replaces a stale one,
 * so secrets stay the source of truth). Returns the passwords it had to generate, to print once.
 */
export async function seedAccounts(db: Db, config: Config): Promise<Array<{ username: string; password: string }>> {
  const generated: Array<{ username: string; password: string }> = [];
  for (const { username, role, setting } of DEVICE_ACCOUNTS) {
    const configured = config.passwords[setting];
    const [existing] = await db.select().from(accounts).where(eq(accounts.username, username));
    if (existing) {
      if (configured && !(await verifyPassword(configured, existing.passwordHash))) {
        await db
          .update(accounts)
          // A rotated secret revokes the tokens signed in with the old password, as setPassword does.
          .set({ passwordHash: await hashPassword(configured), version: sql`${accounts.version} + 1` })
          .where(eq(accounts.id, existing.id));
      }
      continue;
    }
    const password = configured ?? randomBytes(12).toString('base64url');
    const inserted = await db
      .insert(accounts)
      .values({ username, role, passwordHash: await hashPassword(password) })
      .onConflictDoNothing()
      .returning();
    if (inserted.length && !configured) generated.push({ username, password });
  }
  return generated;
}

/** An empty development database gets a show for today and two teams, so it is usable at once. */
export async function seedDemoData(db: Db, log: Logger, today: string): Promise<void> {
  const [existing] = await db.select({ n: count() }).from(shows);
  if ((existing?.n ?? 0) > 0) return;
  await db.insert(shows).values({
    name: 'Home Run Derby VR',
    date: today,
    welcomeMessage: DEFAULT_TEXTS.welcome,
    recallMessage: 'Hi {firstName}, it is nearly your turn! Please come to the batting cage now.',
    souvenirMessage: 'Great swings, {firstName}! Your souvenir: {url}',
  });
  await db
    .insert(teams)
    .values([
      { name: 'Red Sox', color: '#BD3039' },
      { name: 'Blue Jays', color: '#134A8E' },
    ])
    .onConflictDoNothing();
  log.info('seeded a default show and two teams');
}
