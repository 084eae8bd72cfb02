import { desc } from 'drizzle-orm';
import type { CallContext } from '../context.js';
import { shows, type Show } from '../db/schema.js';

/** Every show, newest date first (ties: highest id first, like the current show). */
export async function listShows(c: CallContext): Promise<Show[]> {
  return c.read.select().from(shows).orderBy(desc(shows.date), desc(shows.id));
}
