// What the SMS worker needs from a provider, and how provider failures are sorted into
// "try again later" and "will never work".

export interface SmsSender {
  /** Hands one message to the provider; resolves with the provider's id once it accepted it. */
  send(to: string, body: string): Promise<{ providerId: string }>;
  /**
   * Asks the provider whether it accepted this text to this number since `since` (an attempt whose
   * answer never came back); resolves with the ids it holds, newest first, or [] when none.
   */
  findSent(to: string, body: string, since: Date): Promise<string[]>;
}

/**
 * Provider error codes that no retry can fix: invalid or non-mobile number, the recipient
 * unsubscribed (replied STOP), unreachable destination, region not enabled.
 */
const PERMANENT_CODES = new Set([21211, 21214, 21408, 21610, 21612, 21614, 21617, 30003, 30004, 30005, 30006]);

export class SmsSendError extends Error {
  constructor(
    message: string,
    /** True when retrying cannot succeed; the message is marked failed at once. */
    readonly permanent: boolean,
    readonly status?: number,
    readonly code?: number | string,
    /**
     * True when the provider may have accepted the message although no answer came back (a
     * timeout, a connection cut mid-request): it must be looked up before another attempt.
     */
    readonly outcomeUnknown = false,
  ) {
    super(message);
    this.name = 'SmsSendError';
  }
}

/** Network errors that mean the request never reached the provider, so nothing can have been sent. */
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

interface ProviderErrorShape {
  status?: unknown;
  code?: unknown;
  message?: unknown;
}

/**
 * Network failures, timeouts, 429 and 5xx are transient (retried with backoff); known permanent
 * codes and every other 4xx are permanent. A failure without an HTTP answer leaves the outcome
 * unknown unless the connection itself was refused or the name did not resolve.
 */
export function classifySendError(err: unknown): SmsSendError {
  if (err instanceof SmsSendError) return err;
  const e = (err ?? {}) as ProviderErrorShape;
  const message = typeof e.message === 'string' && e.message ? e.message : String(err);
  const status = typeof e.status === 'number' ? e.status : undefined;
  const code = typeof e.code === 'number' || typeof e.code === 'string' ? e.code : undefined;
  if (status === undefined)
    return new SmsSendError(message, false, undefined, code, !NEVER_SENT_CODES.has(String(code ?? networkCode(err))));
  if (typeof code === 'number' && PERMANENT_CODES.has(code)) return new SmsSendError(message, true, status, code);
  if (status === 429 || status >= 500) return new SmsSendError(message, false, status, code);
  return new SmsSendError(message, status >= 400, status, code);
}

/** The text kept on the message row: short, with the provider's status and code. */
export function describeSendError(err: SmsSendError): string {
  const parts = [
    err.status !== undefined ? `HTTP ${err.status}` : null,
    err.code !== undefined ? `code ${err.code}` : null,
  ].filter(Boolean);
  return `${parts.length ? `${parts.join(', ')}: ` : ''}${err.message}`.slice(0, 500);
}

/** The system error code under a wrapped network error (fetch and axios nest it as `cause`). */
function networkCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string') return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}
