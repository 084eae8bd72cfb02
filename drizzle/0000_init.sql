CREATE TYPE "public"."game_state" AS ENUM('NEW', 'QUEUED', 'RECALLED', 'CONFIRMED', 'PLAYING', 'COMPLETED', 'CANCELLED');--> statement-breakpoint
CREATE TYPE "public"."handedness" AS ENUM('LEFT', 'RIGHT');--> statement-breakpoint
CREATE TYPE "public"."message_kind" AS ENUM('welcome', 'recall', 'souvenir');--> statement-breakpoint
CREATE TYPE "public"."message_status" AS ENUM('queued', 'sent', 'delivered', 'failed');--> statement-breakpoint
CREATE TYPE "public"."role" AS ENUM('ADMIN', 'STAFF', 'TABLET', 'VR_GAME');--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" serial PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"role" "role" NOT NULL,
	"password_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "game_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"game_id" integer NOT NULL,
	"show_id" integer NOT NULL,
	"from_state" "game_state",
	"to_state" "game_state" NOT NULL,
	"actor" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "games" (
	"id" serial PRIMARY KEY NOT NULL,
	"player_id" integer NOT NULL,
	"show_id" integer NOT NULL,
	"state" "game_state" DEFAULT 'NEW' NOT NULL,
	"score" integer DEFAULT 0 NOT NULL,
	"distance" integer DEFAULT 0 NOT NULL,
	"homeruns" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"queued_at" timestamp with time zone,
	"recalled_at" timestamp with time zone,
	"recall_count" integer DEFAULT 0 NOT NULL,
	"confirmed_at" timestamp with time zone,
	"playing_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"souvenir_key" text,
	"souvenir_url" text
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" serial PRIMARY KEY NOT NULL,
	"dedupe_key" text NOT NULL,
	"kind" "message_kind" NOT NULL,
	"player_id" integer NOT NULL,
	"game_id" integer,
	"to" text NOT NULL,
	"body" text NOT NULL,
	"status" "message_status" DEFAULT 'queued' NOT NULL,
	"provider_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "players" (
	"id" serial PRIMARY KEY NOT NULL,
	"first_name" text NOT NULL,
	"last_name" text,
	"mobile_number" text,
	"email" text,
	"team_id" integer,
	"handedness" "handedness" NOT NULL,
	"signed_waiver" boolean DEFAULT false NOT NULL,
	"is_finalist" boolean DEFAULT false NOT NULL,
	"profile_id" text,
	"photo_key" text,
	"photo_url" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "short_links" (
	"code" text PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"hits" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shows" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"date" date NOT NULL,
	"welcome_message" text NOT NULL,
	"recall_message" text NOT NULL,
	"souvenir_message" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "teams" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"color" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "teams_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "game_events" ADD CONSTRAINT "game_events_game_id_games_id_fk" FOREIGN KEY ("game_id") REFERENCES "public"."games"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "game_events" ADD CONSTRAINT "game_events_show_id_shows_id_fk" FOREIGN KEY ("show_id") REFERENCES "public"."shows"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "games" ADD CONSTRAINT "games_player_id_players_id_fk" FOREIGN KEY ("player_id") REFERENCES "public"."players"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "games" ADD CONSTRAINT "games_show_id_shows_id_fk" FOREIGN KEY ("show_id") REFERENCES "public"."shows"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_player_id_players_id_fk" FOREIGN KEY ("player_id") REFERENCES "public"."players"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_game_id_games_id_fk" FOREIGN KEY ("game_id") REFERENCES "public"."games"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "players" ADD CONSTRAINT "players_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "game_events_game_idx" ON "game_events" USING btree ("game_id","id");--> statement-breakpoint
CREATE INDEX "game_events_show_idx" ON "game_events" USING btree ("show_id","id");--> statement-breakpoint
CREATE INDEX "games_show_state_idx" ON "games" USING btree ("show_id","state","queued_at","id");--> statement-breakpoint
CREATE INDEX "games_player_idx" ON "games" USING btree ("player_id","id");--> statement-breakpoint
CREATE INDEX "games_created_idx" ON "games" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "games_updated_idx" ON "games" USING btree ("updated_at","id");--> statement-breakpoint
CREATE INDEX "games_score_idx" ON "games" USING btree ("score","id");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_dedupe_idx" ON "messages" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "messages_game_idx" ON "messages" USING btree ("game_id");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_provider_idx" ON "messages" USING btree ("provider_id") WHERE "messages"."provider_id" is not null;--> statement-breakpoint
CREATE INDEX "players_team_idx" ON "players" USING btree ("team_id");--> statement-breakpoint
CREATE INDEX "players_created_idx" ON "players" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "shows_current_idx" ON "shows" USING btree ("date","id");