// A closed-loop GraphQL load generator: N virtual clients, each running a chain of dependent
// operations over keep-alive HTTP, timed per operation. Chains need per-client state (the game a
// sign-up created), which fixed-request tools such as autocannon cannot carry.
import http from 'node:http';
import { percentile } from './section.js';

export interface GqlCall {
  /** Name the latency is recorded under, e.g. "queueGame". */
  op: string;
  query: string;
  variables: Record<string, unknown>;
  token: string;
}

export interface Sample {
  op: string;
  startMs: number;
  ms: number;
  ok: boolean;
}

export class GqlClient {
  private readonly agent: http.Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string, sockets: number) {
    const u = new URL(baseUrl);
    this.host = u.hostname;
    this.port = Number(u.port);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  }

  /** Sends one operation; resolves with the response's data, or throws with its first error. */
  call(c: GqlCall): Promise<any> {
    const body = JSON.stringify({ query: c.query, variables: c.variables });
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.host,
          port: this.port,
          path: '/graphql',
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: `Bearer ${c.token}`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (b: Buffer) => chunks.push(b));
          res.on('end', () => {
            try {
              const json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
              if (json.errors?.length) {
                const e = json.errors[0];
                reject(new Error(`${c.op}: ${e.extensions?.code ?? res.statusCode} ${e.message}`));
              } else resolve(json.data);
            } catch (err) {
              reject(new Error(`${c.op}: HTTP ${res.statusCode}, unreadable body (${(err as Error).message})`));
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface LoadResult {
  samples: Sample[];
  /** Latencies of whole chains that started and finished inside the window. */
  chainMs: number[];
  errors: Map<string, number>;
  seconds: number;
}

/**
 * Runs `clients` loops of `chain` for `warmupS + durationS` seconds; only what starts after the
 * warm-up is kept. `chain` performs its steps through `step`, which times each one.
 */
export async function runClosedLoop(opts: {
  clients: number;
  warmupS: number;
  durationS: number;
  chain: (step: (c: GqlCall) => Promise<any>, client: number) => Promise<void>;
  client: GqlClient;
  onMeasureStart?: () => void;
}): Promise<LoadResult> {
  const t0 = performance.now();
  const measureFrom = t0 + opts.warmupS * 1000;
  const stopAt = measureFrom + opts.durationS * 1000;
  const samples: Sample[] = [];
  const chainMs: number[] = [];
  const errors = new Map<string, number>();
  let started = false;
  const markStart = setTimeout(() => {
    started = true;
    opts.onMeasureStart?.();
  }, opts.warmupS * 1000);

  const step = async (c: GqlCall) => {
    const s = performance.now();
    try {
      const data = await opts.client.call(c);
      if (s >= measureFrom) samples.push({ op: c.op, startMs: s, ms: performance.now() - s, ok: true });
      return data;
    } catch (err) {
      if (s >= measureFrom) {
        samples.push({ op: c.op, startMs: s, ms: performance.now() - s, ok: false });
        const key = (err as Error).message.slice(0, 160);
        errors.set(key, (errors.get(key) ?? 0) + 1);
      }
      throw err;
    }
  };

  const loop = async (i: number) => {
    while (performance.now() < stopAt) {
      const s = performance.now();
      try {
        await opts.chain(step, i);
        const end = performance.now();
        if (s >= measureFrom && end <= stopAt) chainMs.push(end - s);
      } catch {
        // recorded by `step`; a broken chain starts over with a new sign-up
      }
    }
  };
  await Promise.all(Array.from({ length: opts.clients }, (_, i) => loop(i)));
  clearTimeout(markStart);
  if (!started) opts.onMeasureStart?.();
  // The window closes when the last request sent before `stopAt` has answered.
  return { samples, chainMs, errors, seconds: (performance.now() - measureFrom) / 1000 };
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
}

export function summarize(ms: number[]): LatencySummary {
  const sorted = [...ms].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}
