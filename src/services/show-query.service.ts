import { desc } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { shows, type Show } from '../db/schema.js';

/** Every show, newest date first (ties: highest id first, like the current show). */
export async function listShows(db: Db): Promise<Show[]> {
  return db.select().from(shows).orderBy(desc(shows.date), desc(shows.id));
}
