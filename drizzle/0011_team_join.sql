-- A confirmed player without a team joins the smallest one (fewest members, ties to the lowest
-- id). Simultaneous confirms must not all see the same smallest team, so joins are serialized by
-- the team lock (src/db/locks.ts, passed in). It is a function so that the lock, the count and the
-- update happen inside the confirm's one statement: no round trip to the server runs while the
-- lock is held, only the commit. A VOLATILE function takes a new snapshot for each of its queries,
-- so the count, taken after the lock is granted, sees every join committed before it.
CREATE FUNCTION "mlb_join_smallest_team"("joining_player" integer, "team_lock" integer) RETURNS integer
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  joined integer;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM players WHERE id = joining_player AND team_id IS NULL) THEN
    RETURN NULL;
  END IF;
  PERFORM pg_advisory_xact_lock(team_lock, 0);
  UPDATE players SET team_id = smallest.id
  FROM (SELECT teams.id FROM teams LEFT JOIN players member ON member.team_id = teams.id
        GROUP BY teams.id ORDER BY count(member.id), teams.id LIMIT 1) smallest
  WHERE players.id = joining_player AND players.team_id IS NULL
  RETURNING smallest.id INTO joined;
  RETURN joined;
END;
$$;
