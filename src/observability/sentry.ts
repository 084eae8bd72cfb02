// Sentry error reporting, on only when SENTRY_DSN is set. Only unexpected errors are sent (those
// answered as INTERNAL_SERVER_ERROR and failed jobs), never domain errors such as ILLEGAL_TRANSITION.
import * as Sentry from '@sentry/node';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';

let enabled = false;

export interface SentryHandle {
  /** Sends what is still buffered; called on shutdown. */
  flush(): Promise<void>;
}

export function initSentry(config: Config, log: Logger): SentryHandle {
  if (!config.sentryDsn) return { flush: async () => {} };
  if (!enabled) {
    Sentry.init({
      dsn: config.sentryDsn,
      release: config.release,
      environment: config.env,
      // Errors only, no tracing; the SDK sends no personal data by default (players' numbers stay here).
      tracesSampleRate: 0,
      enableRuntimeChannelInjection: false,
    });
    enabled = true;
    log.info({ release: config.release }, 'sentry error reporting on');
  }
  return { flush: async () => void (await Sentry.flush(2000)) };
}

/** Reports an unexpected error; a no-op without SENTRY_DSN. */
export function captureUnexpected(err: unknown, context: Record<string, unknown> = {}): void {
  if (!enabled) return;
  Sentry.captureException(err, { extra: context });
}

/** Reports a job that failed unexpectedly, tagged with its queue and id. */
export function captureJobError(err: unknown, job: { id: string; name?: string }, queue = job.name): void {
  if (!enabled) return;
  Sentry.captureException(err, { tags: { queue }, extra: { jobId: job.id } });
}
