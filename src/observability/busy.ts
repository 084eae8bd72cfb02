// Is the API busy answering the booth? Souvenir renders ask before they take a core: a souvenir
// can wait (it arrives by text minutes later anyway); a tablet's tap should not. Texts do not ask:
// held back, a welcome arrives after the player has played and is skipped as stale.
// Busy means this process's event loop was more than half busy over the last second while it
// answered requests. A worker-only process, or an API at rest, is never busy, so a backlog (after
// an outage, a failover) drains at full speed.
import { performance } from 'node:perf_hooks';

const BUSY_LOOP = 0.5;

let answered = 0;
let busy = false;
let sampler: NodeJS.Timeout | undefined;

/** Counts one answered API request (the metrics plugin calls it). */
export function requestAnswered(): void {
  answered++;
}

/** Whether the API was busy over the last second; sampling starts on first use. */
export function apiBusy(): boolean {
  if (!sampler) {
    let last = performance.eventLoopUtilization();
    let answeredBefore = answered;
    sampler = setInterval(() => {
      const now = performance.eventLoopUtilization();
      busy = answered > answeredBefore && performance.eventLoopUtilization(now, last).utilization > BUSY_LOOP;
      last = now;
      answeredBefore = answered;
    }, 1000).unref();
  }
  return busy;
}
