CREATE TYPE "public"."audit_action" AS ENUM('account.create', 'account.password', 'account.disable', 'account.enable', 'account.delete', 'game.correct', 'player.erase');--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" serial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" "audit_action" NOT NULL,
	"subject" text NOT NULL,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "souvenir_files" (
	"key" text PRIMARY KEY NOT NULL,
	"game_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "disabled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "game_events" ADD COLUMN "correction" jsonb;--> statement-breakpoint
ALTER TABLE "players" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "short_links" ADD COLUMN "gone_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "uploads" ADD COLUMN "text_key" text;--> statement-breakpoint
ALTER TABLE "souvenir_files" ADD CONSTRAINT "souvenir_files_game_id_games_id_fk" FOREIGN KEY ("game_id") REFERENCES "public"."games"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at","id");--> statement-breakpoint
CREATE INDEX "souvenir_files_game_idx" ON "souvenir_files" USING btree ("game_id");--> statement-breakpoint
-- An account's password, version or disabled state changed, or it was deleted: every API process
-- forgets what it knew of it (src/live/account-gate.ts), so its revoked tokens stop working at once.
CREATE FUNCTION "mlb_announce_account"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('mlb_changes', format('{"accountId":%s}', OLD.id));
  ELSE
    PERFORM pg_notify('mlb_changes', format('{"accountId":%s}', NEW.id));
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "accounts_announce_update" AFTER UPDATE ON "accounts"
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION "mlb_announce_account"();
--> statement-breakpoint
CREATE TRIGGER "accounts_announce_delete" AFTER DELETE ON "accounts"
  FOR EACH ROW EXECUTE FUNCTION "mlb_announce_account"();
