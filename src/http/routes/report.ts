// /staff/report?show=<id>: the printable report of a show for staff (page, script and styles from
// here, no CDN; it signs in with the same token as GraphiQL), and /staff/report.csv?show=<id>, the
// same figures as CSV for a STAFF or ADMIN bearer token.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import { callContext, type AppContext } from '../../context.js';
import { DomainError } from '../../domain/errors.js';
import { reportCsvRows } from '../../domain/report.js';
import { csvStringifier } from '../csv.js';
import { showReport } from '../../services/report.service.js';
import { authorize, sendError } from './route-auth.js';
import { STRICT_ROUTING } from './strict-routing.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const STATUS: Record<string, number> = { NOT_FOUND: 404, BAD_USER_INPUT: 400 };

export function reportRoutes(app: AppContext): Router {
  const file = (name: string) => readFileSync(path.join(here, 'report', name));
  const assets: Record<string, { body: Buffer; type: string }> = {
    'report.js': { body: file('report.js'), type: 'text/javascript; charset=utf-8' },
    'report.css': { body: file('report.css'), type: 'text/css; charset=utf-8' },
  };
  const page = file('report.html');
  const router = Router(STRICT_ROUTING);

  router.get('/staff/report', (_req, res) => {
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; connect-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; base-uri 'none'; frame-ancestors 'self'",
    );
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.end(page);
  });
  router.get('/staff/report/:name', (req, res, next) => {
    const a = assets[req.params.name];
    if (!a) return next();
    res.setHeader('Content-Type', a.type);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.end(a.body);
  });
  router.get('/staff/report.csv', async (req, res) => {
    const viewer = await authorize(app, req, res, ['STAFF']);
    if (!viewer) return;
    try {
      const report = await showReport(callContext(app, viewer.username), String(req.query.show ?? ''));
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="report-${report.show.date}-show-${report.show.id}.csv"`,
      );
      res.setHeader('Cache-Control', 'no-store');
      await pipeline(Readable.from(reportCsvRows(report)), csvStringifier(['figure', 'value']), res);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      sendError(res, STATUS[err.code] ?? 400, err.code, err.message);
    }
  });
  return router;
}
