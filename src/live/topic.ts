// One live value (a show's queue, one game) shared by all its subscribers in this process.
// Changes are coalesced: the first change of a burst starts a short timer, later ones ride along,
// and a change arriving while a load runs marks the topic dirty so one more load follows —
// so a burst costs one or two loads, and the state after the last change is always sent.

/**
 * What a subscriber of a topic reads: an async iterator fed by push() that holds at most one
 * undelivered value. Live state is a snapshot, so a slow consumer skips to the newest one instead
 * of queueing stale ones — the last state is never dropped. return() ends it at once, even while a
 * next() is pending (an async generator would wait for its pending await, leaking closed sockets'
 * subscriptions).
 */
export interface LatestIterator<T> extends AsyncGenerator<T, undefined, unknown> {
  push(value: T): void;
  /** Ends the stream with an error delivered to the pending or next next(). */
  fail(error: unknown): void;
  readonly closed: boolean;
}

const DONE = { value: undefined, done: true } as const;

export function latestIterator<T>(onClose: () => void = () => {}): LatestIterator<T> {
  let pending: { value: T } | null = null;
  let failure: { error: unknown } | null = null;
  let waiter: { resolve: (r: IteratorResult<T, undefined>) => void; reject: (e: unknown) => void } | null = null;
  let closed = false;

  const close = () => {
    if (closed) return;
    closed = true;
    pending = null;
    onClose();
    if (waiter) {
      const w = waiter;
      waiter = null;
      w.resolve(DONE);
    }
  };

  const it: LatestIterator<T> = {
    get closed() {
      return closed;
    },
    push(value) {
      if (closed) return;
      if (waiter) {
        const w = waiter;
        waiter = null;
        w.resolve({ value, done: false });
      } else {
        pending = { value };
      }
    },
    fail(error) {
      if (closed) return;
      if (waiter) {
        const w = waiter;
        waiter = null;
        close();
        w.reject(error);
      } else {
        failure = { error };
      }
    },
    next() {
      if (pending) {
        const { value } = pending;
        pending = null;
        return Promise.resolve({ value, done: false });
      }
      if (failure) {
        const { error } = failure;
        failure = null;
        close();
        return Promise.reject(error);
      }
      if (closed) return Promise.resolve(DONE);
      return new Promise((resolve, reject) => {
        waiter = { resolve, reject };
      });
    },
    return() {
      close();
      return Promise.resolve(DONE);
    },
    throw(error) {
      close();
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return it;
    },
    async [Symbol.asyncDispose]() {
      close();
    },
  };
  return it;
}

export interface TopicOptions<T> {
  load(): Promise<T>;
  /** How long a burst may last before the one load it causes (ms). */
  coalesceMs: number;
  onError(err: unknown): void;
  /** Called when the last subscriber leaves, so the owner can forget the topic. */
  onEmpty(): void;
}

/** The topic was disposed while a subscriber waited for it: subscribe to a new one. */
export class TopicGoneError extends Error {}

export class Topic<T> {
  private readonly sinks = new Set<LatestIterator<T>>();
  private last: { value: T } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private loading: Promise<void> | null = null;
  private dirty = false;
  private failure: unknown = null;
  private disposed = false;
  /** Completed loads; tests and metrics read it to see coalescing at work. */
  loads = 0;

  constructor(private readonly opts: TopicOptions<T>) {}

  get size(): number {
    return this.sinks.size;
  }

  /** The newest value, if one was loaded since the topic was created. */
  get latest(): T | undefined {
    return this.last?.value;
  }

  /**
   * A stream whose first value is the current state. The first subscriber's load errors
   * (e.g. NotFound) reject here, so the subscription fails instead of hanging.
   */
  async subscribe(): Promise<LatestIterator<T>> {
    if (!this.last || this.timer || this.loading) {
      if (!this.loading && !this.timer) this.flushNow();
      // Wait for the load in flight (and any follow-up load) so the first value is current.
      while (this.loading || this.timer) {
        if (this.loading) await this.loading;
        else await new Promise<void>((r) => setTimeout(r, this.opts.coalesceMs));
      }
    }
    if (this.disposed) throw new TopicGoneError();
    if (!this.last) {
      const error = this.failure ?? new Error('live value could not be loaded');
      if (this.sinks.size === 0) this.dispose();
      throw error;
    }
    const sink = latestIterator<T>(() => {
      this.sinks.delete(sink);
      if (this.sinks.size === 0) this.dispose();
    });
    this.sinks.add(sink);
    sink.push(this.last.value);
    return sink;
  }

  /** Something changed: reload after the burst and send the result to everyone. */
  touch(): void {
    if (this.disposed) return;
    if (this.loading) {
      this.dirty = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flushNow();
    }, this.opts.coalesceMs);
  }

  private flushNow(): void {
    this.dirty = false;
    this.loading = (async () => {
      try {
        const value = await this.opts.load();
        this.loads++;
        this.last = { value };
        this.failure = null;
        for (const sink of this.sinks) sink.push(value);
      } catch (err) {
        // Subscribers keep the last good state; a reconnect or the next change reloads.
        this.failure = err;
        if (this.sinks.size > 0) this.opts.onError(err);
      }
    })().finally(() => {
      this.loading = null;
      if (this.dirty && !this.disposed) this.touch();
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const sink of [...this.sinks]) void sink.return(undefined);
    this.opts.onEmpty();
  }
}
