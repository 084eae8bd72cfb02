// Changes are announced on a Postgres channel; every API process LISTENs and fans out to its
// subscribers. Payloads are ids only: listeners re-read what they need.
//
// The database announces, not the services: triggers (drizzle/0002_announce_triggers.sql) NOTIFY
// this channel on every game event (creation and each transition), player and show edit and stored
// souvenir, so a new write path cannot forget to. The NOTIFY runs inside the writing transaction,
// so Postgres delivers it if and only if the change commits — a NOTIFY after commit is a second
// statement that a crash, a lost connection or a thrown error between the two skips, leaving every
// subscriber stale until the next change. The price is Postgres' notify lock, held from pre-commit
// until the commit record is flushed, which serializes notifying commits; bench/announce.bench.ts
// measures it. A booth makes a few changes a second, far below that ceiling, so exact delivery wins.

export const CHANNEL = 'mlb_changes';

/**
 * The payload, as JSON: `{"showId":1}`, `{"showId":1,"gameId":2}`, or `{"showId":1,"lighting":true}`
 * when the show's lighting (its current cue or its cue table) changed. Account changes come on the
 * same channel as `{"accountId":1}` (src/live/account-gate.ts).
 */
export interface Change {
  showId: number;
  gameId?: number;
  lighting?: true;
}
