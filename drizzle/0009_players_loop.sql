CREATE TYPE "public"."cancel_reason" AS ENUM('NO_SHOW', 'PLAYER_LEFT');--> statement-breakpoint
CREATE TYPE "public"."message_direction" AS ENUM('outbound', 'inbound');--> statement-breakpoint
ALTER TYPE "public"."message_kind" ADD VALUE 'no_show';--> statement-breakpoint
ALTER TYPE "public"."message_kind" ADD VALUE 'reply';--> statement-breakpoint
ALTER TYPE "public"."message_kind" ADD VALUE 'inbound';--> statement-breakpoint
CREATE TABLE "opt_outs" (
	"mobile_number" text PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"opted_out_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "messages" ALTER COLUMN "player_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "games" ADD COLUMN "cancel_reason" "cancel_reason";--> statement-breakpoint
ALTER TABLE "games" ADD COLUMN "token" text DEFAULT translate(rtrim(encode(decode(replace(gen_random_uuid()::text, '-', '') || left(replace(gen_random_uuid()::text, '-', ''), 8), 'hex'), 'base64'), '='), '+/', '-_') NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "direction" "message_direction" DEFAULT 'outbound' NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "from" text;--> statement-breakpoint
ALTER TABLE "shows" ADD COLUMN "help_message" text;--> statement-breakpoint
ALTER TABLE "shows" ADD COLUMN "leave_message" text;--> statement-breakpoint
ALTER TABLE "shows" ADD COLUMN "late_message" text;--> statement-breakpoint
ALTER TABLE "shows" ADD COLUMN "no_show_message" text;--> statement-breakpoint
ALTER TABLE "shows" ADD COLUMN "typical_game_minutes" integer DEFAULT 4 NOT NULL;--> statement-breakpoint
ALTER TABLE "shows" ADD COLUMN "no_show_minutes" integer;--> statement-breakpoint
CREATE UNIQUE INDEX "games_token_idx" ON "games" USING btree ("token");--> statement-breakpoint
CREATE INDEX "messages_player_idx" ON "messages" USING btree ("player_id","id");