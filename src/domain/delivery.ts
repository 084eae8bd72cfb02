// Deliveries that leave the building (texts, uploads): how long an attempt may hold a message,
// how long to wait before asking a failing provider again, when a message is too old to send and
// when it no longer matters.
import type { GameState } from './game-states.js';
import type { MessageKind } from './messages.js';

/** The outside services deliveries depend on; each has its own circuit breaker. */
export const DELIVERY_PROVIDERS = ['twilio', 's3'] as const;
export type DeliveryProvider = (typeof DELIVERY_PROVIDERS)[number];

/** A souvenir kept on local disk waits `pending` until S3 holds it. */
export const UPLOAD_STATUSES = ['pending', 'uploaded', 'failed'] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number];

export const DEFAULT_DELIVERY_MAX_AGE_MINUTES = 720;

/**
 * A request to an outside provider gives up at a third of its job's expiry (at most 15 s), so an
 * attempt is over long before its lease lets another one start.
 */
export function providerTimeoutMs(jobExpireSeconds: number): number {
  return Math.max(500, Math.min(15_000, Math.floor((jobExpireSeconds * 1000) / 3)));
}

/**
 * How long a claimed message stays leased to its attempt: twice the job's expiry, so it outlasts
 * the provider client's timeout (a third of the expiry) and a crashed attempt's job expiry, and a
 * provider that accepted a text after our client gave up has had time to list it before we ask.
 */
export function leaseSeconds(jobExpireSeconds: number): number {
  return 2 * jobExpireSeconds;
}

/** A message older than this is never sent: DELIVERY_MAX_AGE_MINUTES after it was created. */
export function isTooOld(createdAt: Date, now: Date, maxAgeMinutes: number): boolean {
  return now.getTime() - createdAt.getTime() > maxAgeMinutes * 60_000;
}

/**
 * How long a provider that failed `failures` probes in a row is left alone before the next probe:
 * 1 s, 2 s, 4 s, … capped (JOB_RETRY_DELAY_MAX_SECONDS). One probe per step, whatever the backlog.
 */
export function probeDelaySeconds(failures: number, capSeconds: number): number {
  return Math.max(1, Math.min(capSeconds, 2 ** Math.min(Math.max(failures - 1, 0), 16)));
}

/** What decides whether a queued text still matters. */
export interface TextSituation {
  kind: MessageKind;
  /** For a recall: its game now, and whether this is the game's latest recall text. */
  game?: { state: GameState; recalledAt: Date | null } | null;
  latestRecall?: boolean;
  /** For a welcome: whether any game of the player has already started playing. */
  played?: boolean;
}

/**
 * Why a queued text would be wrong to send now, or null when it still matters. A recall that was
 * since confirmed, cancelled, superseded or is older than its window would call someone back for
 * nothing ("come now!" an hour late); a welcome after the player has played is noise. Souvenir
 * texts never go stale within the max age.
 */
export function staleReason(text: TextSituation, now: Date, recallWindowMinutes: number): string | null {
  if (text.kind === 'welcome') return text.played ? 'stale: the player has already played' : null;
  if (text.kind !== 'recall') return null;
  const game = text.game;
  if (!game) return null; // nothing to judge it by: it goes out

  if (game.state !== 'RECALLED') return `stale: the game is ${game.state} since the recall`;
  if (!text.latestRecall) return 'stale: a later recall replaced it';
  if (!game.recalledAt || now.getTime() - game.recalledAt.getTime() > recallWindowMinutes * 60_000)
    return 'stale: the recall is older than its window';
  return null;
}
