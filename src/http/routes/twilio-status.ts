// Twilio's delivery callbacks. The signature proves the post came from Twilio with our auth
// token; without a valid one nothing is read or changed.
import express, { Router } from 'express';
import type { AppContext } from '../../context.js';
import { recordDelivery } from '../../services/message.service.js';
import { sendError } from './route-auth.js';
import { STRICT_ROUTING } from './strict-routing.js';
import { verifiedTwilioForm } from './twilio-signature.js';

export function twilioStatusRoutes(app: AppContext): Router {
  const router = Router(STRICT_ROUTING);
  router.post('/twilio/status', express.urlencoded({ extended: false, limit: '64kb' }), async (req, res) => {
    const twilioConfig = app.config.twilio;
    if (!twilioConfig) return sendError(res, 404, 'NOT_FOUND', 'Twilio is not configured');
    const params = verifiedTwilioForm(app, req, twilioConfig.authToken);
    if (!params) return sendError(res, 403, 'FORBIDDEN', 'Invalid Twilio signature');
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
