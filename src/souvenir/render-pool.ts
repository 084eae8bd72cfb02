// A few threads that render souvenirs, so a burst of completed games never stalls the API.
// Requests queue in order; a thread that dies is replaced and only its own render fails.
import { Worker } from 'node:worker_threads';
import { apiBusy } from '../observability/busy.js';
import type { renderSouvenir } from './render.js';

type RenderArgs = Parameters<typeof renderSouvenir>;
type Rendered = Awaited<ReturnType<typeof renderSouvenir>>;

export interface RenderRequest {
  id: number;
  args: RenderArgs;
}
/** `ms`: how long the render took on its thread. */
export type RenderReply = { id: number; result: Rendered; ms: number } | { id: number; error: string };

export interface RenderPool {
  render(...args: RenderArgs): Promise<Rendered>;
  /** Threads started so far (they start on first use, so an API-only process has none). */
  readonly threads: number;
  close(): Promise<void>;
}

/**
 * A Buffer crosses a thread as a plain Uint8Array; this makes them Buffers again, in place,
 * wherever they sit in plain objects and arrays, without copying the bytes.
 */
export function asBuffers<T>(value: T): T {
  if (value instanceof Uint8Array)
    return (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => asBuffers(v)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = asBuffers(v);
    return out as T;
  }
  return value;
}

/**
 * A render is memory- and CPU-heavy work that slows whatever shares the machine with it, at any
 * thread priority: measured, a render thread kept busy by a backlog cost the API about a fifth of
 * its throughput, and a tenth of a core still cost it a few percent. So while the API is busy, a
 * thread rests between renders nineteen times as long as its last render took: a twentieth of a core
 * for souvenirs, the rest for the booth. That is still a souvenir every few seconds, more than a
 * booth's rigs complete games; the backlog of a rush renders at full speed once the API is at rest.
 */
const SHARE_WHEN_BUSY = 0.05;

interface Pending {
  request: RenderRequest;
  resolve: (r: Rendered) => void;
  reject: (e: Error) => void;
}

export interface RenderPoolOptions {
  /** Whether the API is busy now (default: apiBusy). */
  apiBusy?: () => boolean;
}

export function createRenderPool(
  size: number,
  onError: (err: Error) => void = () => {},
  options: RenderPoolOptions = {},
): RenderPool {
  const entry = new URL('./render-thread.ts', import.meta.url);
  // The thread loads TypeScript as the server does; the process's own flags (V8 heap sizes, a test
  // runner's) are not valid for a thread.
  const execArgv = ['--import', 'tsx'];
  const idle: Worker[] = [];
  const busy = new Map<Worker, Pending>();
  const queue: Pending[] = [];
  const resting = new Set<Worker>();
  let started = 0;
  let nextId = 0;
  let closed = false;
  const busyNow = options.apiBusy ?? apiBusy;

  const dispatch = () => {
    while (queue.length && !closed) {
      const worker = idle.pop() ?? (started < size ? spawn() : undefined);
      if (!worker) return;
      const job = queue.shift()!;
      busy.set(worker, job);
      worker.postMessage(job.request);
    }
  };

  const spawn = (): Worker => {
    started++;
    const worker = new Worker(entry, { execArgv });
    const ready = () => {
      idle.push(worker);
      dispatch();
    };
    worker.on('message', (reply: RenderReply) => {
      const job = busy.get(worker);
      busy.delete(worker);
      if (job) {
        if ('error' in reply) job.reject(new Error(reply.error));
        else job.resolve(asBuffers(reply.result));
      }
      if (!('ms' in reply) || !busyNow()) return ready();
      resting.add(worker);
      setTimeout(() => resting.delete(worker) && ready(), reply.ms * (1 / SHARE_WHEN_BUSY - 1));
    });
    worker.on('error', (err) => {
      onError(err);
      busy.get(worker)?.reject(err);
    });
    worker.on('exit', () => {
      const job = busy.get(worker);
      busy.delete(worker);
      const at = idle.indexOf(worker);
      if (at >= 0) idle.splice(at, 1);
      resting.delete(worker);
      started--;
      job?.reject(new Error('the render thread stopped'));
      dispatch();
    });
    return worker;
  };

  return {
    render(...args) {
      if (closed) return Promise.reject(new Error('the render pool is closed'));
      return new Promise<Rendered>((resolve, reject) => {
        queue.push({ request: { id: ++nextId, args }, resolve, reject });
        dispatch();
      });
    },
    get threads() {
      return started;
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error('the render pool is closed'));
      await Promise.all([...idle, ...resting, ...busy.keys()].map((w) => w.terminate()));
    },
  };
}
