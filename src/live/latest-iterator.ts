// An async iterator fed by push() that holds at most one undelivered value: live state is a
// snapshot, so a slow consumer skips to the newest one instead of queueing stale ones — the
// last state is never dropped. return() ends it at once, even while a next() is pending
// (an async generator would wait for its pending await, leaking closed sockets' subscriptions).

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
