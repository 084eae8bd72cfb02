import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { AUDIT_ACTIONS } from '../domain/accounts.js';
import { GAME_STATES } from '../domain/game-states.js';
import { DELIVERY_PROVIDERS, UPLOAD_STATUSES } from '../domain/delivery.js';
import { MESSAGE_DIRECTIONS, MESSAGE_KINDS, MESSAGE_STATUSES } from '../domain/messages.js';
import type { CueChannel } from '../domain/lighting.js';
import { CANCEL_REASONS } from '../domain/no-show.js';
import { DEFAULT_TYPICAL_GAME_MINUTES } from '../domain/show-input.js';
import { DEFAULT_DISTANCE_UNIT, DISTANCE_UNITS } from '../domain/souvenir.js';
import { HANDEDNESS } from '../domain/player-input.js';
import type { GameResult } from '../domain/result.js';
import { ROLES } from '../domain/roles.js';

/** The unique index on lower(name): its violation is a team-name clash. */
export const TEAM_NAME_INDEX = 'teams_name_lower_idx';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
const tstz = (name: string) => timestamp(name, { withTimezone: true });

export const roleEnum = pgEnum('role', ROLES);
export const handednessEnum = pgEnum('handedness', HANDEDNESS);
export const gameStateEnum = pgEnum('game_state', GAME_STATES);
export const messageKindEnum = pgEnum('message_kind', MESSAGE_KINDS);
export const messageStatusEnum = pgEnum('message_status', MESSAGE_STATUSES);
export const uploadStatusEnum = pgEnum('upload_status', UPLOAD_STATUSES);
export const deliveryProviderEnum = pgEnum('delivery_provider', DELIVERY_PROVIDERS);
export const auditActionEnum = pgEnum('audit_action', AUDIT_ACTIONS);
export const messageDirectionEnum = pgEnum('message_direction', MESSAGE_DIRECTIONS);
export const cancelReasonEnum = pgEnum('cancel_reason', CANCEL_REASONS);

/**
 * A game's status-page token: 160 bits from two v4 UUIDs' random bits (built into PostgreSQL 13+),
 * base64url, 27 characters. Random per row, also for rows that exist when the column is added.
 */
const RANDOM_TOKEN = sql`translate(rtrim(encode(decode(replace(gen_random_uuid()::text, '-', '') || left(replace(gen_random_uuid()::text, '-', ''), 8), 'hex'), 'base64'), '='), '+/', '-_')`;

export const accounts = pgTable('accounts', {
  id: serial('id').primaryKey(),
  username: text('username').notNull().unique(),
  role: roleEnum('role').notNull(),
  passwordHash: text('password_hash').notNull(),
  /**
   * Carried in every token the account signs in for; a token of another version is refused.
   * Changing the password or disabling the account moves it on, revoking every token at once.
   */
  version: integer('version').notNull().default(1),
  /** Set while the account is disabled: it cannot sign in, and its tokens are refused. */
  disabledAt: tstz('disabled_at'),
  createdAt: createdAt(),
});

/** Who changed what, and when: account changes, result corrections, erasures. Append-only. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: serial('id').primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actor: text('actor').notNull(),
    action: auditActionEnum('action').notNull(),
    /** What it was done to: `account:<username>`, `game:<id>`, `player:<id>`. */
    subject: text('subject').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_log_at_idx').on(t.at, t.id)],
);

export const shows = pgTable(
  'shows',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    welcomeMessage: text('welcome_message').notNull(),
    recallMessage: text('recall_message').notNull(),
    souvenirMessage: text('souvenir_message').notNull(),
    /** Replies to HELP, LEAVE and LATE and the no-show text; null: the default (DEFAULT_TEXTS). */
    helpMessage: text('help_message'),
    leaveMessage: text('leave_message'),
    lateMessage: text('late_message'),
    noShowMessage: text('no_show_message'),
    /** Wait estimates use this until the show has enough completed games of its own. */
    typicalGameMinutes: integer('typical_game_minutes').notNull().default(DEFAULT_TYPICAL_GAME_MINUTES),
    /** Overrides NO_SHOW_MINUTES; null: the setting. */
    noShowMinutes: integer('no_show_minutes'),
    /** How the souvenir prints distances (the game reports feet). */
    distanceUnit: text('distance_unit', { enum: DISTANCE_UNITS }).notNull().default(DEFAULT_DISTANCE_UNIT),
    /** The venue's time zone, for the date on the souvenir; null: the TZ setting. */
    timeZone: text('time_zone'),
    /** A line on the souvenir such as "Presented by …"; null: none. */
    sponsorLine: text('sponsor_line'),
    /** Storage key of the show's logo, a PNG prepared at upload; null: the card without one. */
    logoKey: text('logo_key'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('shows_current_idx').on(t.date, t.id)],
);

export const teams = pgTable(
  'teams',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    color: text('color').notNull(),
    createdAt: createdAt(),
  },
  // Names are unique regardless of letter case; services/team.service.ts turns a clash into CONFLICT.
  (t) => [uniqueIndex(TEAM_NAME_INDEX).on(sql`lower(${t.name})`)],
);

export const players = pgTable(
  'players',
  {
    id: serial('id').primaryKey(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name'),
    mobileNumber: text('mobile_number'),
    email: text('email'),
    teamId: integer('team_id').references(() => teams.id),
    handedness: handednessEnum('handedness').notNull(),
    signedWaiver: boolean('signed_waiver').notNull().default(false),
    isFinalist: boolean('is_finalist').notNull().default(false),
    profileId: text('profile_id'),
    /** Storage key of the uploaded photo, oriented, auto-levelled and scaled for the souvenir (in colour). */
    photoKey: text('photo_key'),
    photoUrl: text('photo_url'),
    /** Set when the player was erased (erasePlayer, or PLAYER_RETENTION_DAYS): nothing personal is left. */
    erasedAt: tstz('erased_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('players_team_idx').on(t.teamId),
    index('players_created_idx').on(t.createdAt, t.id),
    // A sign-up's twin check and an inbound text find players by number: without it, each read
    // every player of the day (the twin check) or of all time (a text).
    index('players_mobile_idx').on(t.mobileNumber, t.createdAt),
  ],
);

export const games = pgTable(
  'games',
  {
    id: serial('id').primaryKey(),
    playerId: integer('player_id')
      .notNull()
      .references(() => players.id),
    showId: integer('show_id')
      .notNull()
      .references(() => shows.id),
    state: gameStateEnum('state').notNull().default('NEW'),
    score: integer('score').notNull().default(0),
    distance: integer('distance').notNull().default(0),
    homeruns: integer('homeruns').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    queuedAt: tstz('queued_at'),
    recalledAt: tstz('recalled_at'),
    recallCount: integer('recall_count').notNull().default(0),
    confirmedAt: tstz('confirmed_at'),
    playingAt: tstz('playing_at'),
    completedAt: tstz('completed_at'),
    cancelledAt: tstz('cancelled_at'),
    /** Why the server cancelled it (a no-show, the player left); null for a cancel by staff or a device. */
    cancelReason: cancelReasonEnum('cancel_reason'),
    /** The unguessable key of the player's status page /p/<token>; never derived from the id. */
    token: text('token').notNull().default(RANDOM_TOKEN),
    souvenirKey: text('souvenir_key'),
    souvenirUrl: text('souvenir_url'),
  },
  (t) => [
    index('games_show_state_idx').on(t.showId, t.state, t.queuedAt, t.id),
    index('games_player_idx').on(t.playerId, t.id),
    index('games_created_idx').on(t.createdAt, t.id),
    index('games_updated_idx').on(t.updatedAt, t.id),
    index('games_score_idx').on(t.score, t.id),
    uniqueIndex('games_token_idx').on(t.token),
    // The queue's wait estimate reads a show's latest completed games; without this it sorts the whole history.
    index('games_show_completed_idx')
      .on(t.showId, t.completedAt, t.id)
      .where(sql`${t.state} = 'COMPLETED'`),
  ],
);

/** Append-only history of every transition; its id is also the show's queue version. */
export const gameEvents = pgTable(
  'game_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    gameId: integer('game_id')
      .notNull()
      .references(() => games.id),
    showId: integer('show_id')
      .notNull()
      .references(() => shows.id),
    fromState: gameStateEnum('from_state'),
    toState: gameStateEnum('to_state').notNull(),
    actor: text('actor'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** A correction of a COMPLETED game's result (from and to COMPLETED): the result before and after. */
    correction: jsonb('correction').$type<{ before: GameResult; after: GameResult }>(),
  },
  (t) => [index('game_events_game_idx').on(t.gameId, t.id), index('game_events_show_idx').on(t.showId, t.id)],
);

/**
 * One row per SMS the system decided to send, and per SMS it received (`inbound`, with the reply it
 * gave as a `reply` row); `dedupeKey` makes a retried job, or Twilio posting a text again, harmless.
 */
export const messages = pgTable(
  'messages',
  {
    id: serial('id').primaryKey(),
    dedupeKey: text('dedupe_key').notNull(),
    kind: messageKindEnum('kind').notNull(),
    direction: messageDirectionEnum('direction').notNull().default('outbound'),
    /** Null only for a text received from a number no player in line has. */
    playerId: integer('player_id').references(() => players.id),
    gameId: integer('game_id').references(() => games.id),
    /** The sender of an inbound text; null for the texts we send (they come from TWILIO_FROM). */
    from: text('from'),
    to: text('to').notNull(),
    body: text('body').notNull(),
    status: messageStatusEnum('status').notNull().default('queued'),
    providerId: text('provider_id'),
    attempts: integer('attempts').notNull().default(0),
    error: text('error'),
    /** While in the future, one attempt holds the message and no other may start (see sms-delivery.service). */
    leaseUntil: tstz('lease_until'),
    /**
     * Start of the earliest attempt whose answer never came back (timeout, crash): before sending
     * again, the provider is asked whether it accepted the text since then.
     */
    unconfirmedSince: tstz('unconfirmed_since'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('messages_dedupe_idx').on(t.dedupeKey),
    index('messages_game_idx').on(t.gameId),
    index('messages_player_idx').on(t.playerId, t.id),
    uniqueIndex('messages_provider_idx')
      .on(t.providerId)
      .where(sql`${t.providerId} is not null`),
    // The backlog: what is still to send, per player in order, and the oldest of it.
    index('messages_queued_idx')
      .on(t.playerId, t.id)
      .where(sql`${t.status} = 'queued'`),
  ],
);

/** A souvenir rendered to local disk that S3 does not hold yet; its text waits for the upload. */
export const uploads = pgTable(
  'uploads',
  {
    id: serial('id').primaryKey(),
    key: text('key').notNull(),
    gameId: integer('game_id')
      .notNull()
      .references(() => games.id),
    /** Text the player the link once uploaded. */
    notify: boolean('notify').notNull(),
    /** That text's dedupe key when it is not the game's first souvenir text (a resend, a correction). */
    textKey: text('text_key'),
    status: uploadStatusEnum('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    error: text('error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('uploads_key_idx').on(t.key),
    index('uploads_pending_idx')
      .on(t.id)
      .where(sql`${t.status} = 'pending'`),
  ],
);

/**
 * The circuit breaker of each outside provider, shared by every worker process: while `up` is
 * false only one attempt at a time (the probe, leased by `probeUntil`) may call it, and not before
 * `nextProbeAt`.
 */
export const deliveryProviders = pgTable('delivery_providers', {
  provider: deliveryProviderEnum('provider').primaryKey(),
  up: boolean('up').notNull().default(true),
  /** When it last went down or came back. */
  since: timestamp('since', { withTimezone: true }).notNull().defaultNow(),
  /** Probes failed in a row since it went down (the step of the backoff). */
  failures: integer('failures').notNull().default(0),
  nextProbeAt: tstz('next_probe_at'),
  probeUntil: tstz('probe_until'),
  lastError: text('last_error'),
  lastErrorAt: tstz('last_error_at'),
});

/** Every souvenir file ever rendered for a game (a correction or a new photo renders another), so erasure finds them all. */
export const souvenirFiles = pgTable(
  'souvenir_files',
  {
    key: text('key').primaryKey(),
    gameId: integer('game_id')
      .notNull()
      .references(() => games.id),
    /** A story-sized copy sits beside it (storyKeyOf); souvenirs rendered before there was one have none. */
    hasStory: boolean('has_story').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index('souvenir_files_game_idx').on(t.gameId)],
);
/** Numbers that replied STOP (or that Twilio reports unsubscribed): never texted until they reply START. */
export const optOuts = pgTable('opt_outs', {
  mobileNumber: text('mobile_number').primaryKey(),
  /** What recorded it: the keyword received, or `twilio 21610`. */
  source: text('source').notNull(),
  optedOutAt: timestamp('opted_out_at', { withTimezone: true }).notNull().defaultNow(),
});

export const shortLinks = pgTable('short_links', {
  code: text('code').primaryKey(),
  url: text('url').notNull(),
  /** Visits: the share page opened, or the image fetched through the link. */
  hits: integer('hits').notNull().default(0),
  /** "Save image" taps on the share page. */
  saves: integer('saves').notNull().default(0),
  /** Shares through the phone's share sheet from the share page. */
  shares: integer('shares').notNull().default(0),
  /** Set when what it points to was erased: the link answers 410 Gone. */
  goneAt: tstz('gone_at'),
  createdAt: createdAt(),
});

/** Failed sign-ins in the current window, per `account:<name>` and `address:<ip>` (src/domain/login-throttle.ts). */
export const loginFailures = pgTable(
  'login_failures',
  {
    key: text('key').primaryKey(),
    count: integer('count').notNull(),
    windowEndsAt: tstz('window_ends_at').notNull(),
  },
  (t) => [index('login_failures_window_ends_at_idx').on(t.windowEndsAt)],
);

/** A show's cue table as an admin stored it; a show without rows uses the default table (src/domain/lighting.ts). */
export const lightingCues = pgTable(
  'lighting_cues',
  {
    showId: integer('show_id')
      .notNull()
      .references(() => shows.id),
    name: text('name').notNull(),
    /** The table's order, as the admin gave it. */
    position: integer('position').notNull(),
    channels: jsonb('channels').$type<CueChannel[]>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.showId, t.name] })],
);

/** The cue a show's booth shows, and who set it when: a person, a VR build, or the game ('system'). */
export const lightingStates = pgTable('lighting_states', {
  showId: integer('show_id')
    .primaryKey()
    .references(() => shows.id),
  cue: text('cue').notNull(),
  changedAt: timestamp('changed_at', { withTimezone: true }).notNull(),
  changedBy: text('changed_by').notNull(),
});

export type Account = typeof accounts.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;
export type Show = typeof shows.$inferSelect;
export type Team = typeof teams.$inferSelect;
export type Player = typeof players.$inferSelect;
export type Game = typeof games.$inferSelect;
export type GameEvent = typeof gameEvents.$inferSelect;
export type Message = typeof messages.$inferSelect;
export type Upload = typeof uploads.$inferSelect;
export type OptOut = typeof optOuts.$inferSelect;
export type DeliveryProviderRow = typeof deliveryProviders.$inferSelect;
export type LightingState = typeof lightingStates.$inferSelect;
