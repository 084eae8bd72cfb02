CREATE TYPE "public"."delivery_provider" AS ENUM('twilio', 's3');--> statement-breakpoint
CREATE TYPE "public"."upload_status" AS ENUM('pending', 'uploaded', 'failed');--> statement-breakpoint
ALTER TYPE "public"."message_status" ADD VALUE 'skipped';--> statement-breakpoint
CREATE TABLE "delivery_providers" (
	"provider" "delivery_provider" PRIMARY KEY NOT NULL,
	"up" boolean DEFAULT true NOT NULL,
	"since" timestamp with time zone DEFAULT now() NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"next_probe_at" timestamp with time zone,
	"probe_until" timestamp with time zone,
	"last_error" text,
	"last_error_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "uploads" (
	"id" serial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"game_id" integer NOT NULL,
	"notify" boolean NOT NULL,
	"status" "upload_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_game_id_games_id_fk" FOREIGN KEY ("game_id") REFERENCES "public"."games"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "uploads_key_idx" ON "uploads" USING btree ("key");--> statement-breakpoint
CREATE INDEX "uploads_pending_idx" ON "uploads" USING btree ("id") WHERE "uploads"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "messages_queued_idx" ON "messages" USING btree ("player_id","id") WHERE "messages"."status" = 'queued';