-- The lifecycle bench's five mutations as plain SQL, one transaction each (a single statement without BEGIN), statement for statement
-- what the services run (src/services/player.service.ts, game.service.ts, recall.service.ts, src/jobs/outbox.ts):
-- pgbench's rate for this script is the physical limit our GraphQL server is compared with.
-- test/integration/pgbench-script.test.ts fails when the services and this script drift apart.
-- Changes are announced by the game_events insert trigger, here as in the server.
-- One script run = one chain: signUp → queueGame → confirmGame → playGame → completeGame.
-- Auto-recall cannot loop in pgbench: up to two candidates (the window size) are read at once and
-- each recall is guarded by `\if`; a candidate moved meanwhile updates no row and is skipped, as
-- the server skips it on ILLEGAL_TRANSITION (the server then reads the queue again; rare).
\set suffix random(2000, 2999)
\set r_score random(0, 5000)
\set r_distance random(0, 500)
\set r_homeruns random(0, 20)

-- signUp: current show, player, NEW game + event, welcome message + its sms job.
BEGIN;
SELECT id AS show_id, welcome_message FROM shows ORDER BY date DESC, id DESC LIMIT 1 \gset
-- A double tap: identical sign-ups wait for each other, then look for the one seconds before (none here).
SELECT pg_advisory_xact_lock(7303, hashtext('Bench Player +1415555' || :suffix::text));
SELECT players.* FROM players JOIN games ON games.player_id = players.id
WHERE games.show_id = :show_id AND players.first_name = 'Bench' AND players.last_name IS NOT DISTINCT FROM 'Player'
  AND players.mobile_number = '+1415555' || :suffix::text
  AND players.created_at >= now() - interval '5 seconds' AND players.created_at <= now()
ORDER BY players.id LIMIT 1;
INSERT INTO players (first_name, last_name, mobile_number, handedness, signed_waiver, is_finalist, team_id, created_at, updated_at)
VALUES ('Bench', 'Player', '+1415555' || :suffix::text, 'RIGHT', true, false, NULL, now(), now())
RETURNING id AS player_id, mobile_number \gset
WITH game AS (
  INSERT INTO games (player_id, show_id, created_at, updated_at) VALUES (:player_id, :show_id, now(), now()) RETURNING *
), event AS (
  INSERT INTO game_events (game_id, show_id, from_state, to_state, actor, at, correction)
  SELECT game.id, game.show_id, NULL::game_state, 'NEW'::game_state, 'mlbtablet', now(), NULL::jsonb FROM game RETURNING id
)
SELECT game.id AS game_id FROM game, event \gset
INSERT INTO messages (dedupe_key, kind, player_id, game_id, "to", body)
VALUES ('welcome:' || :player_id::text, 'welcome', :player_id, NULL, :mobile_number, replace(:welcome_message, '{firstName}', 'Bench'))
ON CONFLICT (dedupe_key) DO NOTHING RETURNING id AS message_id \gset
WITH ins AS (
INSERT INTO pgboss.job_common (
  id,
  name,
  data,
  priority,
  start_after,
  created_on,
  singleton_key,
  singleton_on,
  group_id,
  group_tier,
  expire_seconds,
  deletion_seconds,
  keep_until,
  retry_limit,
  retry_delay,
  retry_backoff,
  retry_delay_max,
  policy,
  dead_letter,
  heartbeat_seconds,
  blocked,
  blocking,
  pending_dependencies,
  trace_context
)
SELECT
  COALESCE(id, gen_random_uuid()) as id,
  'sms' as name,
  data,
  COALESCE(priority, 0) as priority,
  j.start_after,
  pgboss.job_now() as created_on,
  "singletonKey",
  CASE
    WHEN "singletonSeconds" IS NOT NULL THEN 'epoch'::timestamp + '1s'::interval * ("singletonSeconds"::float8 * floor(( date_part('epoch', pgboss.job_now()) + COALESCE("singletonOffset",0)::float8) / "singletonSeconds"::float8 ))
    ELSE NULL
    END as singleton_on,
  "groupId" as group_id,
  "groupTier" as group_tier,
  COALESCE("expireInSeconds", q.expire_seconds, 900) as expire_seconds,
  COALESCE("deleteAfterSeconds", q.deletion_seconds, 604800) as deletion_seconds,
  j.start_after + (COALESCE("retentionSeconds", q.retention_seconds, 1209600) * interval '1s') as keep_until,
  COALESCE("retryLimit", q.retry_limit, 2) as retry_limit,
  COALESCE("retryDelay", q.retry_delay, 0) as retry_delay,
  COALESCE("retryBackoff", q.retry_backoff, false) as retry_backoff,
  COALESCE("retryDelayMax", q.retry_delay_max) as retry_delay_max,
  q.policy,
  COALESCE("deadLetter", q.dead_letter) as dead_letter,
  COALESCE("heartbeatSeconds", q.heartbeat_seconds) as heartbeat_seconds,
  COALESCE(blocked, false) as blocked,
  COALESCE(blocking, false) as blocking,
  COALESCE("pendingDependencies", 0) as pending_dependencies,
  "__traceContext" as trace_context
FROM (
  SELECT *,
    CASE
      WHEN (right("startAfter", 1) = 'Z' OR "startAfter" ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN CAST("startAfter" as timestamp with time zone)
      ELSE pgboss.job_now() + CAST(COALESCE("startAfter",'0') as interval)
      END as start_after
  FROM json_to_recordset((json_build_array(json_build_object('id', NULL, 'name', 'sms', 'data', json_build_object('messageId', :message_id::int), 'priority', 0, 'singletonKey', NULL, 'singletonOffset', 0, 'groupId', NULL, 'groupTier', NULL, 'deadLetter', NULL, '__traceContext', NULL))::text)::json) as x (
    id uuid,
    priority integer,
    data jsonb,
    "startAfter" text,
    "retryLimit" integer,
    "retryDelay" integer,
    "retryDelayMax" integer,
    "retryBackoff" boolean,
    "singletonKey" text,
    "singletonSeconds" integer,
    "singletonOffset" integer,
    "groupId" text,
    "groupTier" text,
    "expireInSeconds" integer,
    "deleteAfterSeconds" integer,
    "retentionSeconds" integer,
    "deadLetter" text,
    "heartbeatSeconds" integer,
    blocked boolean,
    blocking boolean,
    "pendingDependencies" integer,
    "__traceContext" jsonb
  )
) j
LEFT JOIN pgboss.queue q ON q.name = 'sms'
ON CONFLICT DO NOTHING
RETURNING id, start_after
),
notified AS (
  SELECT pg_notify(('pgboss_' || left(encode(sha224('pgboss'::bytea), 'hex'), 24)), 'sms')
  FROM ins WHERE start_after <= pgboss.job_now() LIMIT 1
)
SELECT id FROM ins WHERE (SELECT count(*) FROM notified) >= 0;
COMMIT;

-- queueGame: one statement, its own transaction (no BEGIN/COMMIT, as the server runs it).
WITH moved AS (
  UPDATE games SET state = 'QUEUED', updated_at = now(), queued_at = coalesce(games.queued_at, now())
  FROM (SELECT id, state FROM games WHERE games.id = :game_id FOR UPDATE) prev
  WHERE games.id = prev.id AND prev.state IN ('NEW', 'RECALLED')
  RETURNING games.*, prev.state AS from_state
), event AS (
  INSERT INTO game_events (game_id, show_id, from_state, to_state, actor, at, correction)
  SELECT moved.id, moved.show_id, moved.from_state, 'QUEUED'::game_state, 'mlbtablet', now(), NULL::jsonb FROM moved RETURNING id
)
SELECT event.id AS event_id, (players.mobile_number IS NOT NULL) AS has_mobile
FROM moved JOIN event ON true JOIN players ON players.id = moved.player_id JOIN shows ON shows.id = moved.show_id \gset

-- confirmGame: one statement, its own transaction, the team of a player without one (the smallest
-- team, under the team lock) joined in it by mlb_join_smallest_team.
WITH moved AS (
  UPDATE games SET state = 'CONFIRMED', updated_at = now(), confirmed_at = coalesce(games.confirmed_at, now())
  FROM (SELECT id, state FROM games WHERE games.id = :game_id FOR UPDATE) prev
  WHERE games.id = prev.id AND prev.state IN ('NEW', 'QUEUED', 'RECALLED')
  RETURNING games.*, prev.state AS from_state
), event AS (
  INSERT INTO game_events (game_id, show_id, from_state, to_state, actor, at, correction)
  SELECT moved.id, moved.show_id, moved.from_state, 'CONFIRMED'::game_state, 'mlbtablet', now(), NULL::jsonb FROM moved RETURNING id
)
SELECT event.id AS event_id, (players.mobile_number IS NOT NULL) AS has_mobile, mlb_join_smallest_team(moved.player_id, 7302)
FROM moved JOIN event ON true JOIN players ON players.id = moved.player_id JOIN shows ON shows.id = moved.show_id \gset

-- playGame: one statement, its own transaction (no BEGIN/COMMIT, as the server runs it).
WITH moved AS (
  UPDATE games SET state = 'PLAYING', updated_at = now(), playing_at = coalesce(games.playing_at, now())
  FROM (SELECT id, state FROM games WHERE games.id = :game_id FOR UPDATE) prev
  WHERE games.id = prev.id AND prev.state IN ('CONFIRMED')
  RETURNING games.*, prev.state AS from_state
), event AS (
  INSERT INTO game_events (game_id, show_id, from_state, to_state, actor, at, correction)
  SELECT moved.id, moved.show_id, moved.from_state, 'PLAYING'::game_state, 'mlbvrgame', now(), NULL::jsonb FROM moved RETURNING id
)
SELECT event.id AS event_id, (players.mobile_number IS NOT NULL) AS has_mobile
FROM moved JOIN event ON true JOIN players ON players.id = moved.player_id JOIN shows ON shows.id = moved.show_id \gset

-- completeGame: result, souvenir job and — if the show's recall lock is free — auto-recall up to the window (2).
BEGIN;
WITH moved AS (
  UPDATE games SET state = 'COMPLETED', updated_at = now(), score = :r_score, distance = :r_distance, homeruns = :r_homeruns, completed_at = coalesce(games.completed_at, now())
  FROM (SELECT id, state FROM games WHERE games.id = :game_id FOR UPDATE) prev
  WHERE games.id = prev.id AND prev.state IN ('PLAYING')
  RETURNING games.*, prev.state AS from_state
), event AS (
  INSERT INTO game_events (game_id, show_id, from_state, to_state, actor, at, correction)
  SELECT moved.id, moved.show_id, moved.from_state, 'COMPLETED'::game_state, 'mlbvrgame', now(), NULL::jsonb FROM moved RETURNING id
)
SELECT event.id AS event_id, (players.mobile_number IS NOT NULL) AS has_mobile
FROM moved JOIN event ON true JOIN players ON players.id = moved.player_id JOIN shows ON shows.id = moved.show_id \gset
-- The server sends the try-lock, the window's count and the souvenir job together (one round trip).
SELECT pg_try_advisory_xact_lock(7301, :show_id) AS got_lock \gset
SELECT greatest(2 - count(*), 0) AS wanted FROM games
WHERE show_id = :show_id AND state = 'RECALLED' AND recalled_at > now() - interval '20 minutes' \gset
WITH ins AS (
INSERT INTO pgboss.job_common (
  id,
  name,
  data,
  priority,
  start_after,
  created_on,
  singleton_key,
  singleton_on,
  group_id,
  group_tier,
  expire_seconds,
  deletion_seconds,
  keep_until,
  retry_limit,
  retry_delay,
  retry_backoff,
  retry_delay_max,
  policy,
  dead_letter,
  heartbeat_seconds,
  blocked,
  blocking,
  pending_dependencies,
  trace_context
)
SELECT
  COALESCE(id, gen_random_uuid()) as id,
  'souvenir' as name,
  data,
  COALESCE(priority, 0) as priority,
  j.start_after,
  pgboss.job_now() as created_on,
  "singletonKey",
  CASE
    WHEN "singletonSeconds" IS NOT NULL THEN 'epoch'::timestamp + '1s'::interval * ("singletonSeconds"::float8 * floor(( date_part('epoch', pgboss.job_now()) + COALESCE("singletonOffset",0)::float8) / "singletonSeconds"::float8 ))
    ELSE NULL
    END as singleton_on,
  "groupId" as group_id,
  "groupTier" as group_tier,
  COALESCE("expireInSeconds", q.expire_seconds, 900) as expire_seconds,
  COALESCE("deleteAfterSeconds", q.deletion_seconds, 604800) as deletion_seconds,
  j.start_after + (COALESCE("retentionSeconds", q.retention_seconds, 1209600) * interval '1s') as keep_until,
  COALESCE("retryLimit", q.retry_limit, 2) as retry_limit,
  COALESCE("retryDelay", q.retry_delay, 0) as retry_delay,
  COALESCE("retryBackoff", q.retry_backoff, false) as retry_backoff,
  COALESCE("retryDelayMax", q.retry_delay_max) as retry_delay_max,
  q.policy,
  COALESCE("deadLetter", q.dead_letter) as dead_letter,
  COALESCE("heartbeatSeconds", q.heartbeat_seconds) as heartbeat_seconds,
  COALESCE(blocked, false) as blocked,
  COALESCE(blocking, false) as blocking,
  COALESCE("pendingDependencies", 0) as pending_dependencies,
  "__traceContext" as trace_context
FROM (
  SELECT *,
    CASE
      WHEN (right("startAfter", 1) = 'Z' OR "startAfter" ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN CAST("startAfter" as timestamp with time zone)
      ELSE pgboss.job_now() + CAST(COALESCE("startAfter",'0') as interval)
      END as start_after
  FROM json_to_recordset((json_build_array(json_build_object('id', NULL, 'name', 'souvenir', 'data', json_build_object('gameId', :game_id::int, 'notify', :has_mobile::boolean), 'priority', 0, 'singletonKey', NULL, 'singletonOffset', 0, 'groupId', NULL, 'groupTier', NULL, 'deadLetter', NULL, '__traceContext', NULL))::text)::json) as x (
    id uuid,
    priority integer,
    data jsonb,
    "startAfter" text,
    "retryLimit" integer,
    "retryDelay" integer,
    "retryDelayMax" integer,
    "retryBackoff" boolean,
    "singletonKey" text,
    "singletonSeconds" integer,
    "singletonOffset" integer,
    "groupId" text,
    "groupTier" text,
    "expireInSeconds" integer,
    "deleteAfterSeconds" integer,
    "retentionSeconds" integer,
    "deadLetter" text,
    "heartbeatSeconds" integer,
    blocked boolean,
    blocking boolean,
    "pendingDependencies" integer,
    "__traceContext" jsonb
  )
) j
LEFT JOIN pgboss.queue q ON q.name = 'souvenir'
ON CONFLICT DO NOTHING
RETURNING id, start_after
),
notified AS (
  SELECT pg_notify(('pgboss_' || left(encode(sha224('pgboss'::bytea), 'hex'), 24)), 'souvenir')
  FROM ins WHERE start_after <= pgboss.job_now() LIMIT 1
)
SELECT id FROM ins WHERE (SELECT count(*) FROM notified) >= 0;
\if :got_lock
SELECT coalesce(c[1], 0) AS cand1, coalesce(c[2], 0) AS cand2 FROM (
  SELECT array_agg(id) AS c FROM (
    SELECT games.id FROM games JOIN players ON players.id = games.player_id
    WHERE games.show_id = :show_id AND games.state = 'QUEUED' AND players.mobile_number IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM opt_outs WHERE opt_outs.mobile_number = players.mobile_number) AND games.id NOT IN (0)
    ORDER BY games.queued_at, games.id LIMIT :wanted) q) a \gset
\if :cand1 > 0
WITH moved AS (
  UPDATE games SET state = 'RECALLED', updated_at = now(), recalled_at = now(), recall_count = games.recall_count + 1
  FROM (SELECT id, state FROM games WHERE games.id = :cand1 FOR UPDATE) prev
  WHERE games.id = prev.id AND prev.state IN ('QUEUED')
  RETURNING games.*, prev.state AS from_state
), event AS (
  INSERT INTO game_events (game_id, show_id, from_state, to_state, actor, at, correction)
  SELECT moved.id, moved.show_id, moved.from_state, 'RECALLED'::game_state, 'system', now(), NULL::jsonb FROM moved RETURNING id
)
SELECT count(*) AS recalled, max(moved.player_id) AS rplayer_id, max(event.id) AS revent_id,
  max(players.first_name) AS rfirst, max(players.mobile_number) AS rmobile, max(shows.recall_message) AS rtemplate
FROM moved JOIN event ON true JOIN players ON players.id = moved.player_id JOIN shows ON shows.id = moved.show_id \gset
\if :recalled > 0
INSERT INTO messages (dedupe_key, kind, player_id, game_id, "to", body)
VALUES ('recall:' || :revent_id::text, 'recall', :rplayer_id, :cand1, :rmobile, replace(:rtemplate, '{firstName}', :rfirst))
ON CONFLICT (dedupe_key) DO NOTHING RETURNING id AS rmessage_id \gset
WITH ins AS (
INSERT INTO pgboss.job_common (
  id,
  name,
  data,
  priority,
  start_after,
  created_on,
  singleton_key,
  singleton_on,
  group_id,
  group_tier,
  expire_seconds,
  deletion_seconds,
  keep_until,
  retry_limit,
  retry_delay,
  retry_backoff,
  retry_delay_max,
  policy,
  dead_letter,
  heartbeat_seconds,
  blocked,
  blocking,
  pending_dependencies,
  trace_context
)
SELECT
  COALESCE(id, gen_random_uuid()) as id,
  'sms' as name,
  data,
  COALESCE(priority, 0) as priority,
  j.start_after,
  pgboss.job_now() as created_on,
  "singletonKey",
  CASE
    WHEN "singletonSeconds" IS NOT NULL THEN 'epoch'::timestamp + '1s'::interval * ("singletonSeconds"::float8 * floor(( date_part('epoch', pgboss.job_now()) + COALESCE("singletonOffset",0)::float8) / "singletonSeconds"::float8 ))
    ELSE NULL
    END as singleton_on,
  "groupId" as group_id,
  "groupTier" as group_tier,
  COALESCE("expireInSeconds", q.expire_seconds, 900) as expire_seconds,
  COALESCE("deleteAfterSeconds", q.deletion_seconds, 604800) as deletion_seconds,
  j.start_after + (COALESCE("retentionSeconds", q.retention_seconds, 1209600) * interval '1s') as keep_until,
  COALESCE("retryLimit", q.retry_limit, 2) as retry_limit,
  COALESCE("retryDelay", q.retry_delay, 0) as retry_delay,
  COALESCE("retryBackoff", q.retry_backoff, false) as retry_backoff,
  COALESCE("retryDelayMax", q.retry_delay_max) as retry_delay_max,
  q.policy,
  COALESCE("deadLetter", q.dead_letter) as dead_letter,
  COALESCE("heartbeatSeconds", q.heartbeat_seconds) as heartbeat_seconds,
  COALESCE(blocked, false) as blocked,
  COALESCE(blocking, false) as blocking,
  COALESCE("pendingDependencies", 0) as pending_dependencies,
  "__traceContext" as trace_context
FROM (
  SELECT *,
    CASE
      WHEN (right("startAfter", 1) = 'Z' OR "startAfter" ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN CAST("startAfter" as timestamp with time zone)
      ELSE pgboss.job_now() + CAST(COALESCE("startAfter",'0') as interval)
      END as start_after
  FROM json_to_recordset((json_build_array(json_build_object('id', NULL, 'name', 'sms', 'data', json_build_object('messageId', :rmessage_id::int), 'priority', 0, 'singletonKey', NULL, 'singletonOffset', 0, 'groupId', NULL, 'groupTier', NULL, 'deadLetter', NULL, '__traceContext', NULL))::text)::json) as x (
    id uuid,
    priority integer,
    data jsonb,
    "startAfter" text,
    "retryLimit" integer,
    "retryDelay" integer,
    "retryDelayMax" integer,
    "retryBackoff" boolean,
    "singletonKey" text,
    "singletonSeconds" integer,
    "singletonOffset" integer,
    "groupId" text,
    "groupTier" text,
    "expireInSeconds" integer,
    "deleteAfterSeconds" integer,
    "retentionSeconds" integer,
    "deadLetter" text,
    "heartbeatSeconds" integer,
    blocked boolean,
    blocking boolean,
    "pendingDependencies" integer,
    "__traceContext" jsonb
  )
) j
LEFT JOIN pgboss.queue q ON q.name = 'sms'
ON CONFLICT DO NOTHING
RETURNING id, start_after
),
notified AS (
  SELECT pg_notify(('pgboss_' || left(encode(sha224('pgboss'::bytea), 'hex'), 24)), 'sms')
  FROM ins WHERE start_after <= pgboss.job_now() LIMIT 1
)
SELECT id FROM ins WHERE (SELECT count(*) FROM notified) >= 0;
\endif
\endif
\if :cand2 > 0
WITH moved AS (
  UPDATE games SET state = 'RECALLED', updated_at = now(), recalled_at = now(), recall_count = games.recall_count + 1
  FROM (SELECT id, state FROM games WHERE games.id = :cand2 FOR UPDATE) prev
  WHERE games.id = prev.id AND prev.state IN ('QUEUED')
  RETURNING games.*, prev.state AS from_state
), event AS (
  INSERT INTO game_events (game_id, show_id, from_state, to_state, actor, at, correction)
  SELECT moved.id, moved.show_id, moved.from_state, 'RECALLED'::game_state, 'system', now(), NULL::jsonb FROM moved RETURNING id
)
SELECT count(*) AS recalled, max(moved.player_id) AS rplayer_id, max(event.id) AS revent_id,
  max(players.first_name) AS rfirst, max(players.mobile_number) AS rmobile, max(shows.recall_message) AS rtemplate
FROM moved JOIN event ON true JOIN players ON players.id = moved.player_id JOIN shows ON shows.id = moved.show_id \gset
\if :recalled > 0
INSERT INTO messages (dedupe_key, kind, player_id, game_id, "to", body)
VALUES ('recall:' || :revent_id::text, 'recall', :rplayer_id, :cand2, :rmobile, replace(:rtemplate, '{firstName}', :rfirst))
ON CONFLICT (dedupe_key) DO NOTHING RETURNING id AS rmessage_id \gset
WITH ins AS (
INSERT INTO pgboss.job_common (
  id,
  name,
  data,
  priority,
  start_after,
  created_on,
  singleton_key,
  singleton_on,
  group_id,
  group_tier,
  expire_seconds,
  deletion_seconds,
  keep_until,
  retry_limit,
  retry_delay,
  retry_backoff,
  retry_delay_max,
  policy,
  dead_letter,
  heartbeat_seconds,
  blocked,
  blocking,
  pending_dependencies,
  trace_context
)
SELECT
  COALESCE(id, gen_random_uuid()) as id,
  'sms' as name,
  data,
  COALESCE(priority, 0) as priority,
  j.start_after,
  pgboss.job_now() as created_on,
  "singletonKey",
  CASE
    WHEN "singletonSeconds" IS NOT NULL THEN 'epoch'::timestamp + '1s'::interval * ("singletonSeconds"::float8 * floor(( date_part('epoch', pgboss.job_now()) + COALESCE("singletonOffset",0)::float8) / "singletonSeconds"::float8 ))
    ELSE NULL
    END as singleton_on,
  "groupId" as group_id,
  "groupTier" as group_tier,
  COALESCE("expireInSeconds", q.expire_seconds, 900) as expire_seconds,
  COALESCE("deleteAfterSeconds", q.deletion_seconds, 604800) as deletion_seconds,
  j.start_after + (COALESCE("retentionSeconds", q.retention_seconds, 1209600) * interval '1s') as keep_until,
  COALESCE("retryLimit", q.retry_limit, 2) as retry_limit,
  COALESCE("retryDelay", q.retry_delay, 0) as retry_delay,
  COALESCE("retryBackoff", q.retry_backoff, false) as retry_backoff,
  COALESCE("retryDelayMax", q.retry_delay_max) as retry_delay_max,
  q.policy,
  COALESCE("deadLetter", q.dead_letter) as dead_letter,
  COALESCE("heartbeatSeconds", q.heartbeat_seconds) as heartbeat_seconds,
  COALESCE(blocked, false) as blocked,
  COALESCE(blocking, false) as blocking,
  COALESCE("pendingDependencies", 0) as pending_dependencies,
  "__traceContext" as trace_context
FROM (
  SELECT *,
    CASE
      WHEN (right("startAfter", 1) = 'Z' OR "startAfter" ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN CAST("startAfter" as timestamp with time zone)
      ELSE pgboss.job_now() + CAST(COALESCE("startAfter",'0') as interval)
      END as start_after
  FROM json_to_recordset((json_build_array(json_build_object('id', NULL, 'name', 'sms', 'data', json_build_object('messageId', :rmessage_id::int), 'priority', 0, 'singletonKey', NULL, 'singletonOffset', 0, 'groupId', NULL, 'groupTier', NULL, 'deadLetter', NULL, '__traceContext', NULL))::text)::json) as x (
    id uuid,
    priority integer,
    data jsonb,
    "startAfter" text,
    "retryLimit" integer,
    "retryDelay" integer,
    "retryDelayMax" integer,
    "retryBackoff" boolean,
    "singletonKey" text,
    "singletonSeconds" integer,
    "singletonOffset" integer,
    "groupId" text,
    "groupTier" text,
    "expireInSeconds" integer,
    "deleteAfterSeconds" integer,
    "retentionSeconds" integer,
    "deadLetter" text,
    "heartbeatSeconds" integer,
    blocked boolean,
    blocking boolean,
    "pendingDependencies" integer,
    "__traceContext" jsonb
  )
) j
LEFT JOIN pgboss.queue q ON q.name = 'sms'
ON CONFLICT DO NOTHING
RETURNING id, start_after
),
notified AS (
  SELECT pg_notify(('pgboss_' || left(encode(sha224('pgboss'::bytea), 'hex'), 24)), 'sms')
  FROM ins WHERE start_after <= pgboss.job_now() LIMIT 1
)
SELECT id FROM ins WHERE (SELECT count(*) FROM notified) >= 0;
\endif
\endif
\endif
COMMIT;
