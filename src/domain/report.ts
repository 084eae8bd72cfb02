// The day's report of a show, computed from its recorded history (every game event and message),
// never from counters that could drift. Pure: the service reads the rows, this sums them up.
import type { GameState } from './game-states.js';

export interface ReportEvent {
  gameId: number;
  from: GameState | null;
  to: GameState;
  at: Date;
}

export interface ReportMessage {
  status: 'queued' | 'sent' | 'delivered' | 'failed' | 'skipped';
  providerId: string | null;
  error: string | null;
}

export interface DurationStats {
  count: number;
  /** Seconds, rounded; null when there is nothing to measure. */
  median: number | null;
  p90: number | null;
  max: number | null;
}

export interface HourCount {
  /** Start of the hour in the server's time zone, "HH:MM" ("HH:00" but in half-hour zones). */
  hour: string;
  completed: number;
}

export interface HourWait {
  hour: string;
  /** Games that started playing in that hour, and the median of their waits. */
  games: number;
  medianWaitSeconds: number | null;
}

export interface ShowSummary {
  playersSignedUp: number;
  gamesCompleted: number;
  gamesCancelled: number;
  /** Cancelled games by the state they were cancelled from (until cancellations carry a reason). */
  cancelledFrom: Array<{ state: GameState; count: number }>;
  /** Recalled and never came back: cancelled while RECALLED. */
  noShows: number;
  gamesPerHour: HourCount[];
  waitOverDay: HourWait[];
  /** From first queued to playing. */
  waitSeconds: DurationStats;
  /** From playing to completed. */
  playSeconds: DurationStats;
  /** From the last recall to the confirmation. */
  recallToConfirmSeconds: DurationStats;
  sms: {
    total: number;
    sent: number;
    delivered: number;
    failed: number;
    optedOut: number;
    skipped: number;
    queued: number;
  };
}

/** Twilio's code for a recipient who replied STOP, as recorded in a failed message's error. */
const OPTED_OUT = /\bcode 21610\b/;

/** Nearest-rank percentile (p in 0–100) of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function durationStats(seconds: readonly number[]): DurationStats {
  const sorted = [...seconds].sort((a, b) => a - b);
  const round = (v: number | null) => (v === null ? null : Math.round(v));
  return {
    count: sorted.length,
    median: round(median(sorted)),
    p90: round(percentile(sorted, 90)),
    max: round(sorted.at(-1) ?? null),
  };
}

const HOUR_MS = 3_600_000;

/** "HH:MM" of `at` in `timeZone`. */
export function clockIn(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    at,
  );
}

/** The hour `at` falls in, as a number that orders across midnight. */
const hourOf = (at: Date) => Math.floor(at.getTime() / HOUR_MS);

/** Every hour from the first to the last given (quiet hours too, so a chart shows them as zero), labelled in `timeZone`. */
function hourRange(hours: Iterable<number>, timeZone: string): Array<{ key: number; hour: string }> {
  const list = [...hours];
  if (list.length === 0) return [];
  const out: Array<{ key: number; hour: string }> = [];
  for (let h = Math.min(...list); h <= Math.max(...list); h++)
    out.push({ key: h, hour: clockIn(new Date(h * HOUR_MS), timeZone) });
  return out;
}

const seconds = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;

export function summarizeShow(
  events: readonly ReportEvent[],
  playerOf: ReadonlyMap<number, number>,
  messages: readonly ReportMessage[],
  timeZone: string,
): ShowSummary {
  const byGame = new Map<number, ReportEvent[]>();
  for (const e of [...events].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    let list = byGame.get(e.gameId);
    if (!list) byGame.set(e.gameId, (list = []));
    list.push(e);
  }
  let completed = 0;
  let cancelled = 0;
  const cancelledFrom = new Map<GameState, number>();
  const completions: number[] = [];
  const waits: number[] = [];
  const waitsByHour = new Map<number, number[]>();
  const plays: number[] = [];
  const recallToConfirm: number[] = [];

  for (const list of byGame.values()) {
    // A correction (COMPLETED → COMPLETED) is not a move: the state is the last move's.
    const moves = list.filter((e) => e.from !== e.to);
    const last = moves.at(-1);
    if (last?.to === 'COMPLETED') completed++;
    if (last?.to === 'CANCELLED') {
      cancelled++;
      const from = last.from ?? 'NEW';
      cancelledFrom.set(from, (cancelledFrom.get(from) ?? 0) + 1);
    }
    const first = (state: GameState) => moves.find((e) => e.to === state);
    const queued = first('QUEUED');
    const playing = first('PLAYING');
    const done = moves.find((e) => e.to === 'COMPLETED' && e.from === 'PLAYING');
    if (queued && playing) {
      const wait = seconds(queued.at, playing.at);
      waits.push(wait);
      const hour = hourOf(playing.at);
      waitsByHour.set(hour, [...(waitsByHour.get(hour) ?? []), wait]);
    }
    if (playing && done) plays.push(seconds(playing.at, done.at));
    if (done) completions.push(hourOf(done.at));
    for (let i = 0; i < moves.length; i++) {
      const e = moves[i]!;
      if (e.to !== 'CONFIRMED' || e.from !== 'RECALLED') continue;
      const recall = moves
        .slice(0, i)
        .reverse()
        .find((r) => r.to === 'RECALLED');
      if (recall) recallToConfirm.push(seconds(recall.at, e.at));
    }
  }

  const perHour = hourRange(completions, timeZone).map(({ key, hour }) => ({
    hour,
    completed: completions.filter((h) => h === key).length,
  }));
  const waitOverDay = hourRange(waitsByHour.keys(), timeZone).map(({ key, hour }) => {
    const list = waitsByHour.get(key) ?? [];
    return { hour, games: list.length, medianWaitSeconds: durationStats(list).median };
  });
  const count = (pred: (m: ReportMessage) => boolean) => messages.filter(pred).length;

  return {
    playersSignedUp: new Set([...byGame.keys()].map((g) => playerOf.get(g)).filter((p) => p !== undefined)).size,
    gamesCompleted: completed,
    gamesCancelled: cancelled,
    cancelledFrom: [...cancelledFrom].map(([state, n]) => ({ state, count: n })).sort((a, b) => b.count - a.count),
    noShows: cancelledFrom.get('RECALLED') ?? 0,
    gamesPerHour: perHour,
    waitOverDay,
    waitSeconds: durationStats(waits),
    playSeconds: durationStats(plays),
    recallToConfirmSeconds: durationStats(recallToConfirm),
    sms: {
      total: messages.length,
      // Accepted by the provider: whatever happened to it after.
      sent: count((m) => m.providerId !== null),
      delivered: count((m) => m.status === 'delivered'),
      failed: count((m) => m.status === 'failed'),
      optedOut: count((m) => m.status === 'failed' && OPTED_OUT.test(m.error ?? '')),
      skipped: count((m) => m.status === 'skipped'),
      queued: count((m) => m.status === 'queued'),
    },
  };
}

/** The report as CSV rows (figure, value), the same figures as the page. */
export function reportCsvRows(
  summary: ShowSummary & { souvenirLinksOpened: number; souvenirSaves: number; souvenirShares: number },
): Array<[string, string]> {
  const v = (x: number | null) => (x === null ? '' : String(x));
  const rows: Array<[string, string]> = [
    ['players signed up', v(summary.playersSignedUp)],
    ['games completed', v(summary.gamesCompleted)],
    ['games cancelled', v(summary.gamesCancelled)],
    ...summary.cancelledFrom.map(({ state, count }): [string, string] => [`cancelled from ${state}`, v(count)]),
    ['no-shows (cancelled while recalled)', v(summary.noShows)],
    ['wait queued to playing: median (s)', v(summary.waitSeconds.median)],
    ['wait queued to playing: p90 (s)', v(summary.waitSeconds.p90)],
    ['wait queued to playing: max (s)', v(summary.waitSeconds.max)],
    ['play time: median (s)', v(summary.playSeconds.median)],
    ['recall to confirm: median (s)', v(summary.recallToConfirmSeconds.median)],
    ['sms total', v(summary.sms.total)],
    ['sms sent', v(summary.sms.sent)],
    ['sms delivered', v(summary.sms.delivered)],
    ['sms failed', v(summary.sms.failed)],
    ['sms opted out', v(summary.sms.optedOut)],
    ['sms skipped', v(summary.sms.skipped)],
    ['souvenir links opened', v(summary.souvenirLinksOpened)],
    ['souvenirs saved', v(summary.souvenirSaves)],
    ['souvenirs shared', v(summary.souvenirShares)],
    ...summary.gamesPerHour.map(({ hour, completed }): [string, string] => [`completed ${hour}`, v(completed)]),
    ...summary.waitOverDay.map(({ hour, medianWaitSeconds }): [string, string] => [
      `median wait of games started ${hour} (s)`,
      v(medianWaitSeconds),
    ]),
  ];
  return rows;
}
