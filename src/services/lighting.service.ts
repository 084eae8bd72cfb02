// Booth lighting as data: each show's cue table and the cue its booth shows. Setting a cue only
// writes its row (a trigger announces it); the process that owns the outputs hears the change and
// drives the lights, so no mutation ever waits on a device.
import { asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { lightingCues, lightingStates, teams } from '../db/schema.js';
import { BadInputError } from '../domain/errors.js';
import { idOf } from '../domain/ids.js';
import {
  ATTRACT_CUE,
  defaultCueTable,
  findCue,
  normalizeCueTable,
  type Cue,
  type CueChannel,
} from '../domain/lighting.js';
import { inTransaction, type CallContext } from '../context.js';
import { resolveShow, resolveShowId } from './show.service.js';

/** What a show's booth shows: the cue, its channels, and who set it when (null: never set, attract). */
export interface LightingView {
  showId: number;
  cue: string;
  channels: CueChannel[];
  changedAt: Date | null;
  changedBy: string | null;
}

/** The show's stored cue table, or the default one built from the teams. */
export async function cueTable(db: Executor, showId: number): Promise<Cue[]> {
  const rows = await db
    .select({ name: lightingCues.name, channels: lightingCues.channels })
    .from(lightingCues)
    .where(eq(lightingCues.showId, showId))
    .orderBy(asc(lightingCues.position));
  if (rows.length) return rows;
  const names = await db.select({ name: teams.name }).from(teams).orderBy(asc(teams.id));
  return defaultCueTable(names.map((t) => t.name));
}

export async function loadLighting(db: Executor, showId: number): Promise<LightingView> {
  const [[state], table] = await Promise.all([
    db.select().from(lightingStates).where(eq(lightingStates.showId, showId)),
    cueTable(db, showId),
  ]);
  const name = state?.cue ?? ATTRACT_CUE;
  const cue = findCue(table, name);
  return {
    showId,
    cue: cue?.name ?? name,
    // A cue removed from the table since it was set lights nothing.
    channels: cue?.channels ?? [],
    changedAt: state?.changedAt ?? null,
    changedBy: state?.changedBy ?? null,
  };
}

/** Records the show's cue (announced by the table's trigger). */
export async function writeLightingState(
  db: Executor,
  showId: number,
  cue: string,
  at: Date,
  actor: string,
): Promise<void> {
  await db
    .insert(lightingStates)
    .values({ showId, cue, changedAt: at, changedBy: actor })
    .onConflictDoUpdate({
      target: lightingStates.showId,
      set: { cue: sql`excluded.cue`, changedAt: sql`excluded.changed_at`, changedBy: sql`excluded.changed_by` },
    });
}

/** The lighting of a show, or of the current show. */
export async function lightingOf(c: CallContext, showId?: string | number | null): Promise<LightingView> {
  return loadLighting(c.read, await resolveShowId(c.read, showId));
}

export async function lightingCuesOf(c: CallContext, showId?: string | number | null): Promise<Cue[]> {
  return cueTable(c.read, await resolveShowId(c.read, showId));
}

/** Sets the booth's cue by name (any letter case); an unknown cue is BAD_USER_INPUT listing the show's cues. */
export async function setLighting(c: CallContext, cueName: string, showId?: string | number | null) {
  return inTransaction(c, async (tx) => {
    const show = await resolveShow(tx, showId);
    const table = await cueTable(tx, show.id);
    const cue = findCue(table, cueName);
    if (!cue) throw new BadInputError({ cue: `is not a cue of this show (${table.map((t) => t.name).join(', ')})` });
    await writeLightingState(tx, show.id, cue.name, c.now(), c.actor);
    return loadLighting(tx, show.id);
  });
}

/** Replaces a show's cue table; a table with any bad cue is refused whole and nothing is stored. */
export async function setLightingCues(c: CallContext, rawShowId: string | number, cues: readonly Cue[]) {
  const table = normalizeCueTable(cues);
  const showId = idOf('Show', rawShowId);
  return inTransaction(c, async (tx) => {
    const show = await resolveShow(tx, showId);
    await tx.delete(lightingCues).where(eq(lightingCues.showId, show.id));
    await tx
      .insert(lightingCues)
      .values(table.map((cue, position) => ({ showId: show.id, name: cue.name, position, channels: cue.channels })));
    return table;
  });
}
