// Deliveries that leave the building (texts, uploads): how long an attempt may hold a message,
// how long to wait before asking a failing provider again, and when a message is too old to send.

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
