ALTER TABLE "teams" DROP CONSTRAINT "teams_name_unique";--> statement-breakpoint
CREATE UNIQUE INDEX "teams_name_lower_idx" ON "teams" USING btree (lower("name"));