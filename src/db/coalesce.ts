// Calls made on one handle within one turn of the event loop go out as one statement. The sms
// worker runs a fetched batch's texts side by side, so they reach each step (lease, attempt mark,
// settle) together: one round trip and one commit for the batch instead of one per text, each of
// which also wakes PostgreSQL and the event loop once more.
import type { Executor } from './client.js';

interface Call<In, Out> {
  input: In;
  resolve(out: Out): void;
  reject(err: unknown): void;
}

/** `run` answers one output per input, in the inputs' order. */
export function coalesced<In, Out>(
  run: (on: Executor, inputs: In[]) => Promise<Out[]>,
): (on: Executor, input: In) => Promise<Out> {
  const pending = new Map<Executor, Array<Call<In, Out>>>();
  const flush = async (on: Executor) => {
    const calls = pending.get(on)!;
    pending.delete(on);
    try {
      const outs = await run(
        on,
        calls.map((call) => call.input),
      );
      calls.forEach((call, i) => call.resolve(outs[i]!));
    } catch (err) {
      calls.forEach((call) => call.reject(err));
    }
  };
  return (on, input) =>
    new Promise<Out>((resolve, reject) => {
      let calls = pending.get(on);
      if (!calls) {
        calls = [];
        pending.set(on, calls);
        // After this turn's callbacks: every text of the batch has reached this step by then.
        setImmediate(() => void flush(on));
      }
      calls.push({ input, resolve, reject });
    });
}
