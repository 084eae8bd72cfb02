CREATE TABLE "lighting_cues" (
	"show_id" integer NOT NULL,
	"name" text NOT NULL,
	"position" integer NOT NULL,
	"channels" jsonb NOT NULL,
	CONSTRAINT "lighting_cues_show_id_name_pk" PRIMARY KEY("show_id","name")
);
--> statement-breakpoint
CREATE TABLE "lighting_states" (
	"show_id" integer PRIMARY KEY NOT NULL,
	"cue" text NOT NULL,
	"changed_at" timestamp with time zone NOT NULL,
	"changed_by" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "lighting_cues" ADD CONSTRAINT "lighting_cues_show_id_shows_id_fk" FOREIGN KEY ("show_id") REFERENCES "public"."shows"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lighting_states" ADD CONSTRAINT "lighting_states_show_id_shows_id_fk" FOREIGN KEY ("show_id") REFERENCES "public"."shows"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Booth lighting is announced like every other live value (src/live/announce.ts): a change of a
-- show's cue or of its cue table NOTIFYs {"showId":N,"lighting":true} inside the writing transaction.
CREATE FUNCTION "mlb_announce_lighting"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  show_id integer;
BEGIN
  IF TG_OP = 'DELETE' THEN
    show_id := OLD.show_id;
  ELSE
    show_id := NEW.show_id;
  END IF;
  PERFORM pg_notify('mlb_changes', format('{"showId":%s,"lighting":true}', show_id));
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "lighting_states_announce" AFTER INSERT OR UPDATE ON "lighting_states"
  FOR EACH ROW EXECUTE FUNCTION "mlb_announce_lighting"();
--> statement-breakpoint
CREATE TRIGGER "lighting_cues_announce" AFTER INSERT OR UPDATE OR DELETE ON "lighting_cues"
  FOR EACH ROW EXECUTE FUNCTION "mlb_announce_lighting"();
