// Twilio's delivery callbacks. The signature proves the post came from Twilio with our auth
// token; without a valid one nothing is read or changed.
import express, { Router, type Request } from 'express';
import twilio from 'twilio';
import type { AppContext } from '../../context.js';
import { recordDelivery } from '../../services/message.service.js';
import { sendError } from './route-auth.js';
import { STRICT_ROUTING } from './strict-routing.js';

/** The URL Twilio signed: the public address it was given, else the one this request reached. */
function signedUrl(app: AppContext, req: Request): string {
  const base = app.config.publicBaseUrl ?? `${req.protocol}://${req.get('host')}`;
  return `${base}${req.originalUrl}`;
}

export function twilioStatusRoutes(app: AppContext): Router {
  const router = Router(STRICT_ROUTING);
  router.post('/twilio/status', express.urlencoded({ extended: false, limit: '64kb' }), async (req, res) => {
    const twilioConfig = app.config.twilio;
    if (!twilioConfig) return sendError(res, 404, 'NOT_FOUND', 'Twilio is not configured');
    const params = (req.body ?? {}) as Record<string, string>;
    const signature = req.get('x-twilio-signature') ?? '';
    if (!signature || !twilio.validateRequest(twilioConfig.authToken, signature, signedUrl(app, req), params)) {
      return sendError(res, 403, 'FORBIDDEN', 'Invalid Twilio signature');
    }
    const sid = params.MessageSid ?? params.SmsSid;
    const status = params.MessageStatus ?? params.SmsStatus;
    if (sid && status) {
      const changed = await recordDelivery(app.database.db, sid, status, params.ErrorCode, app.now());
      app.log.info({ sid, status, changed }, 'twilio status callback');
    }
    // Twilio only needs a 2xx; an unknown SID or status is acknowledged so it is not resent.
    res.status(204).end();
  });
  return router;
}
