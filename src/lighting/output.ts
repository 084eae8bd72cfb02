// What every lighting output shares: the last frame (re-sent every second, since DMX receivers
// black out when frames stop, and at once after a reconnect), and its fault state, logged once per
// outage rather than once per frame.
import type { Logger } from '../log.js';
import { lightingFrameSent, lightingOutputOutage, lightingOutputUp } from '../observability/metrics.js';

/** DMX receivers hold a frame for about a second; the last one is sent again this often. */
export const RESEND_MS = 1000;
export const BACKOFF_MIN_MS = 250;
export const BACKOFF_MAX_MS = 5000;

export interface OutputStatus {
  name: string;
  /** Where frames go: the serial port, or the Art-Net host and universe. */
  target: string;
  up: boolean;
  /** When it last went down or came up; null before its first attempt ended. */
  since: Date | null;
  error: string | null;
  /** Outages since start. */
  outages: number;
}

export interface LightingOutput {
  /** Channel values 1..n: becomes the frame re-sent every second from now on. */
  show(channels: Uint8Array): void;
  status(): OutputStatus;
  close(): Promise<void>;
}

/** The next retry delay: doubling from BACKOFF_MIN_MS to BACKOFF_MAX_MS, jittered. */
export function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt) * (0.75 + Math.random() / 2);
}

/** Up/down bookkeeping of one output: a log line and a metric change per transition, none per frame. */
export class FaultState {
  private current: OutputStatus;

  constructor(
    name: string,
    target: string,
    private readonly log: Logger,
  ) {
    this.current = { name, target, up: false, since: null, error: null, outages: 0 };
    lightingOutputUp.set({ output: name }, 0);
  }

  get up(): boolean {
    return this.current.up;
  }

  status(): OutputStatus {
    return { ...this.current };
  }

  ok(): void {
    const s = this.current;
    if (s.up) return;
    if (s.error) this.log.info({ output: s.name, target: s.target }, 'lighting output is back');
    this.current = { ...s, up: true, since: new Date(), error: null };
    lightingOutputUp.set({ output: s.name }, 1);
  }

  fail(err: unknown): void {
    const s = this.current;
    const error = (err as Error)?.message ?? String(err);
    if (!s.up && s.error) return; // the same outage
    this.log.warn({ output: s.name, target: s.target, err: error }, 'lighting output unavailable; retrying');
    this.current = { ...s, up: false, since: new Date(), error, outages: s.outages + 1 };
    lightingOutputUp.set({ output: s.name }, 0);
    lightingOutputOutage.inc({ output: s.name });
  }

  sent(): void {
    lightingFrameSent.inc({ output: this.current.name });
  }
}
