// No-shows: a recalled player who has not been confirmed within NO_SHOW_MINUTES of their latest
// recall is cancelled by the periodic pass, so the slot and the board clear themselves.
export const DEFAULT_NO_SHOW_MINUTES = 30;

/** Why a game was cancelled, when the server knows: recorded on the game and in the CSV export. */
export const CANCEL_REASONS = ['NO_SHOW', 'PLAYER_LEFT'] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

/** The show's own limit, else the setting. */
export function noShowMinutes(showMinutes: number | null | undefined, settingMinutes: number): number {
  return showMinutes ?? settingMinutes;
}
