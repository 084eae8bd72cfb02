// Every HTTP request gets an id (the proxy's X-Request-Id when it sent a sane one), returned to the
// client in X-Request-Id, a logger carrying it (res.locals.log) and one access-log line when it ends;
// an unexpected error of any route is logged with that id and reported to Sentry.
import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from '../log.js';
import { captureUnexpected } from '../observability/sentry.js';

const SANE_ID = /^[\w.:-]{1,100}$/;

export interface RequestLocals {
  requestId: string;
  log: Logger;
}

export function requestLocals(res: Response): RequestLocals {
  return res.locals as RequestLocals;
}

export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && SANE_ID.test(incoming) ? incoming : randomUUID();
    const reqLog = log.child({ requestId });
    Object.assign(res.locals, { requestId, log: reqLog } satisfies RequestLocals);
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // The path only: query strings may carry a show id today and something private tomorrow.
      reqLog.info(
        { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 },
        'request',
      );
    });
    next();
  };
}

/** The last handler: what no route answered is logged with its request id and sent to Sentry. */
export function unexpectedErrors(): ErrorRequestHandler {
  return (err, req, res, next) => {
    const { log, requestId } = requestLocals(res);
    log.error({ err, method: req.method, path: req.path }, 'request failed');
    captureUnexpected(err, { requestId, method: req.method, path: req.path });
    if (res.headersSent) return next(err);
    res.status(500).json({
      errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } }],
    });
  };
}
