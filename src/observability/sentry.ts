// Sentry error reporting, on only when SENTRY_DSN is set. Only unexpected errors are sent (those
// answered as INTERNAL_SERVER_ERROR and failed jobs), never domain errors such as ILLEGAL_TRANSITION.
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type * as SentryNode from '@sentry/node';

// Loaded only when a DSN is set: the SDK costs ≈50 MB of memory in every process otherwise.
let sentry: typeof SentryNode | undefined;

export interface SentryHandle {
  /** Sends what is still buffered; called on shutdown. */
  flush(): Promise<void>;
}

export async function initSentry(config: Config, log: Logger): Promise<SentryHandle> {
  if (!config.sentryDsn) return { flush: async () => {} };
  if (!sentry) {
    const Sentry = await import('@sentry/node');
    Sentry.init({
      dsn: config.sentryDsn,
      release: config.release,
      environment: config.env,
      // Errors only, no tracing; the SDK sends no personal data by default (players' numbers stay here).
      tracesSampleRate: 0,
      enableRuntimeChannelInjection: false,
    });
    sentry = Sentry;
    log.info({ release: config.release }, 'sentry error reporting on');
  }
  return { flush: async () => void (await sentry?.flush(2000)) };
}

/** Reports an unexpected error; a no-op without SENTRY_DSN. */
export function captureUnexpected(err: unknown, context: Record<string, unknown> = {}): void {
  sentry?.captureException(err, { extra: context });
}

/** Reports a job that failed unexpectedly, tagged with its queue and id. */
export function captureJobError(err: unknown, job: { id: string; name?: string }, queue = job.name): void {
  sentry?.captureException(err, { tags: { queue }, extra: { jobId: job.id } });
}
