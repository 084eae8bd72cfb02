// Twilio's messaging webhook: a text a player sent to our number. Configure it in Twilio as
// PUBLIC_BASE_URL + /twilio/inbound (HTTP POST). The answer is TwiML with at most one <Message>.
import express, { Router } from 'express';
import twilio from 'twilio';
import { callContext, type AppContext } from '../../context.js';
import { receiveSms } from '../../services/inbound-sms.service.js';
import { sendError } from './route-auth.js';
import { STRICT_ROUTING } from './strict-routing.js';
import { verifiedTwilioForm } from './twilio-signature.js';

export function twilioInboundRoutes(app: AppContext): Router {
  const router = Router(STRICT_ROUTING);
  router.post('/twilio/inbound', express.urlencoded({ extended: false, limit: '64kb' }), async (req, res) => {
    const twilioConfig = app.config.twilio;
    if (!twilioConfig) return sendError(res, 404, 'NOT_FOUND', 'Twilio is not configured');
    const form = verifiedTwilioForm(app, req, twilioConfig.authToken);
    if (!form) return sendError(res, 403, 'FORBIDDEN', 'Invalid Twilio signature');
    const { From: from, To: to, MessageSid: sid } = form;
    if (!from || !to || !sid) return sendError(res, 400, 'BAD_REQUEST', 'From, To and MessageSid are required');
    const log = app.log.child({ route: 'twilio-inbound', sid });
    const outcome = await receiveSms(callContext(app, 'twilio', log), { from, to, sid, body: form.Body ?? '' });
    const twiml = new twilio.twiml.MessagingResponse();
    if (outcome.reply) twiml.message(outcome.reply);
    res.status(200).type('text/xml').send(twiml.toString());
  });
  return router;
}
