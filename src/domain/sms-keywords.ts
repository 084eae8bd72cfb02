// What a player can text back. The first word decides, whatever its case; US carriers require the
// opt-out and opt-in words to be honoured, and reply to STOP themselves, so we never answer it.
export const OPT_OUT_WORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'] as const;
export const OPT_IN_WORDS = ['START', 'UNSTOP', 'YES'] as const;
export const HELP_WORDS = ['HELP', 'INFO'] as const;

export type SmsCommand = 'optOut' | 'optIn' | 'help' | 'leave' | 'late' | 'other';

/** Twilio's send error for a recipient who replied STOP: it is recorded as an opt-out. */
export const UNSUBSCRIBED_ERROR_CODE = 21610;

const has = (list: readonly string[], word: string) => list.includes(word);

export function smsCommand(body: string): SmsCommand {
  const word = (body.trim().split(/\s+/)[0] ?? '').replace(/[^\p{L}\p{N}]/gu, '').toUpperCase();
  if (has(OPT_OUT_WORDS, word)) return 'optOut';
  if (has(OPT_IN_WORDS, word)) return 'optIn';
  if (has(HELP_WORDS, word)) return 'help';
  if (word === 'LEAVE') return 'leave';
  if (word === 'LATE') return 'late';
  return 'other';
}

/** Why a text to an opted-out number is not sent; staff read it on the message. */
export function optedOutReason(since: Date): string {
  return `opted out: the number replied STOP (or the carrier reported it unsubscribed) at ${since.toISOString()}`;
}
