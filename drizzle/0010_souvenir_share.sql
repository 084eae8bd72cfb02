ALTER TABLE "short_links" ADD COLUMN "saves" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "short_links" ADD COLUMN "shares" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "shows" ADD COLUMN "distance_unit" text DEFAULT 'ft' NOT NULL;--> statement-breakpoint
ALTER TABLE "shows" ADD COLUMN "time_zone" text;--> statement-breakpoint
ALTER TABLE "shows" ADD COLUMN "sponsor_line" text;--> statement-breakpoint
ALTER TABLE "shows" ADD COLUMN "logo_key" text;--> statement-breakpoint
ALTER TABLE "souvenir_files" ADD COLUMN "has_story" boolean DEFAULT false NOT NULL;