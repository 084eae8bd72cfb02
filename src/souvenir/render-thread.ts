// A render thread: satori's layout and resvg's rasterising are synchronous, so they run here and
// never on the event loop that answers requests and fans out live updates.
import { parentPort } from 'node:worker_threads';
import { renderSouvenir } from './render.js';
import { asBuffers, type RenderReply, type RenderRequest } from './render-pool.js';

const port = parentPort;
if (!port) throw new Error('render-thread.ts runs only as a worker thread');

port.on('message', (request: RenderRequest) => {
  renderSouvenir(...asBuffers(request.args)).then(
    (result) => {
      const reply: RenderReply = { id: request.id, result };
      port.postMessage(reply);
    },
    (err: unknown) => {
      const reply: RenderReply = { id: request.id, error: err instanceof Error ? err.message : String(err) };
      port.postMessage(reply);
    },
  );
});
