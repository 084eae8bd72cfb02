// A render thread: satori's layout and resvg's rasterising are synchronous, so they run here and
// never on the event loop that answers requests and fans out live updates.
import { readlinkSync } from 'node:fs';
import { constants, setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { renderSouvenir } from './render.js';
import { asBuffers, type RenderReply, type RenderRequest } from './render-pool.js';

const port = parentPort;
if (!port) throw new Error('render-thread.ts runs only as a worker thread');

// Requests and live updates come first: on Linux a thread has a priority of its own, and at the
// lowest one a souvenir waits for idle CPU instead of taking it from the API and PostgreSQL.
// Souvenirs arrive by text minutes later anyway; a burst of them drains when the booth is quiet.
try {
  const tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
  setPriority(tid, constants.priority.PRIORITY_LOW);
} catch {
  // Not Linux (no per-thread priority): the thread still keeps the event loop free.
}

port.on('message', (request: RenderRequest) => {
  const started = performance.now();
  renderSouvenir(...asBuffers(request.args)).then(
    (result) => {
      const reply: RenderReply = { id: request.id, result, ms: performance.now() - started };
      port.postMessage(reply);
    },
    (err: unknown) => {
      const reply: RenderReply = { id: request.id, error: err instanceof Error ? err.message : String(err) };
      port.postMessage(reply);
    },
  );
});
