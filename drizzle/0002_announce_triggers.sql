-- Change announcements by construction: every write a live subscriber can see NOTIFYs the channel
-- src/live/announce.ts listens on (mlb_changes), inside the writing transaction, so Postgres
-- delivers it if and only if the change commits, and no service can forget it. The payload is the
-- one the listener parses, byte for byte what JSON.stringify({ showId, gameId }) gives; Postgres
-- folds identical payloads of one transaction into one notification.
CREATE FUNCTION "mlb_announce"("show_id" integer, "game_id" integer) RETURNS void LANGUAGE sql AS $$
  SELECT pg_notify('mlb_changes', CASE
    WHEN game_id IS NULL THEN format('{"showId":%s}', show_id)
    ELSE format('{"showId":%s,"gameId":%s}', show_id, game_id)
  END);
$$;
--> statement-breakpoint
-- A game's history gets a row for its creation and for every transition: that is its change.
CREATE FUNCTION "mlb_announce_game_event"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM mlb_announce(NEW.show_id, NEW.game_id);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "game_events_announce" AFTER INSERT ON "game_events"
  FOR EACH ROW EXECUTE FUNCTION "mlb_announce_game_event"();
--> statement-breakpoint
-- Queues show players (name, photo, team): an edit concerns the show of the player's latest game.
CREATE FUNCTION "mlb_announce_player"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  latest record;
BEGIN
  SELECT id, show_id INTO latest FROM games WHERE player_id = NEW.id ORDER BY id DESC LIMIT 1;
  IF FOUND THEN
    PERFORM mlb_announce(latest.show_id, latest.id);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "players_announce" AFTER UPDATE ON "players"
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION "mlb_announce_player"();
--> statement-breakpoint
-- The queue snapshot carries its show.
CREATE FUNCTION "mlb_announce_show"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM mlb_announce(NEW.id, NULL);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "shows_announce" AFTER UPDATE ON "shows"
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION "mlb_announce_show"();
--> statement-breakpoint
-- A souvenir is stored after the game completed, outside any transition.
CREATE FUNCTION "mlb_announce_game"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM mlb_announce(NEW.show_id, NEW.id);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "games_souvenir_announce" AFTER UPDATE OF "souvenir_key", "souvenir_url" ON "games"
  FOR EACH ROW
  WHEN (OLD.souvenir_key IS DISTINCT FROM NEW.souvenir_key OR OLD.souvenir_url IS DISTINCT FROM NEW.souvenir_url)
  EXECUTE FUNCTION "mlb_announce_game"();
