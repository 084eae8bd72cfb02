// New players without a team join the smallest team, so teams stay balanced over an event.
export interface TeamSize {
  id: number;
  memberCount: number;
}

/** The team with the fewest members (ties: lowest id), or null when there are no teams. */
export function smallestTeam(teams: readonly TeamSize[]): number | null {
  let best: TeamSize | null = null;
  for (const t of teams) {
    if (!best || t.memberCount < best.memberCount || (t.memberCount === best.memberCount && t.id < best.id)) best = t;
  }
  return best?.id ?? null;
}
