// Slows password guessing. Failed sign-ins are counted per account and per caller address within a
// fixed window; either count at its limit refuses further attempts on that account, or from that
// address, until the window ends. A success is not a failure and resets nothing: one account's
// success never clears another's count, and the booth's own sign-ins cannot launder guesses.
export const LOGIN_LIMITS = {
  /** Failures on one account (from anywhere) before it is refused. */
  perAccount: 10,
  /** Failures from one address (on any accounts) before it is refused; above perAccount so the booth
   * devices behind one address are not refused because of one mistyped account. */
  perAddress: 30,
  windowSeconds: 600,
} as const;

export const accountKey = (username: string) => `account:${username.trim().toLowerCase()}`;
export const addressKey = (address: string) => `address:${address}`;

/** One counter after an attempt was counted against it. */
export interface Count {
  key: string;
  count: number;
  windowEndsAt: Date;
}

/** Milliseconds the caller must wait when any counter is past its limit, else 0. */
export function retryAfterMs(counts: readonly Count[], nowMs: number): number {
  let wait = 0;
  for (const c of counts) {
    const limit = c.key.startsWith('account:') ? LOGIN_LIMITS.perAccount : LOGIN_LIMITS.perAddress;
    if (c.count > limit) wait = Math.max(wait, c.windowEndsAt.getTime() - nowMs);
  }
  return wait;
}
