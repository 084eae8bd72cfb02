// Twilio's delivery callbacks. The signature proves the post came from Twilio with our auth
// token; without a valid one nothing is read or changed.
import { and, eq, inArray, sql } from 'drizzle-orm';
import express, { Router, type Request } from 'express';
import twilio from 'twilio';
import { messages } from '../db/schema.js';
import type { Deps } from '../deps.js';

type Status = 'sent' | 'delivered' | 'failed';

/** Twilio's statuses we record, and the states each may replace (callbacks can arrive out of order). */
const TRANSITIONS: Record<string, { to: Status; from: Array<'queued' | Status> }> = {
  sent: { to: 'sent', from: ['queued'] },
  delivered: { to: 'delivered', from: ['queued', 'sent'] },
  read: { to: 'delivered', from: ['queued', 'sent'] },
  undelivered: { to: 'failed', from: ['queued', 'sent'] },
  failed: { to: 'failed', from: ['queued', 'sent'] },
  canceled: { to: 'failed', from: ['queued', 'sent'] },
};

/** The URL Twilio signed: the public address it was given, else the one this request reached. */
function signedUrl(deps: Deps, req: Request): string {
  const base = deps.config.publicBaseUrl ?? `${req.protocol}://${req.get('host')}`;
  return `${base}${req.originalUrl}`;
}

function error(code: string, message: string) {
  return { errors: [{ message, extensions: { code } }] };
}

export function twilioStatusRoutes(deps: Deps): Router {
  const router = Router();
  router.post('/twilio/status', express.urlencoded({ extended: false, limit: '64kb' }), async (req, res, next) => {
    try {
      const twilioConfig = deps.config.twilio;
      if (!twilioConfig) return void res.status(404).json(error('NOT_FOUND', 'Twilio is not configured'));
      const params = (req.body ?? {}) as Record<string, string>;
      const signature = req.get('x-twilio-signature') ?? '';
      if (!signature || !twilio.validateRequest(twilioConfig.authToken, signature, signedUrl(deps, req), params)) {
        return void res.status(403).json(error('FORBIDDEN', 'Invalid Twilio signature'));
      }
      const sid = params.MessageSid ?? params.SmsSid;
      const transition = TRANSITIONS[String(params.MessageStatus ?? params.SmsStatus ?? '').toLowerCase()];
      if (sid && transition) {
        const detail = transition.to === 'failed' ? `delivery ${params.MessageStatus}${params.ErrorCode ? `, code ${params.ErrorCode}` : ''}` : null;
        const updated = await deps.database.db
          .update(messages)
          .set({ status: transition.to, updatedAt: sql`now()`, ...(detail ? { error: detail } : {}) })
          .where(and(eq(messages.providerId, sid), inArray(messages.status, transition.from)))
          .returning({ id: messages.id });
        deps.log.info({ sid, status: params.MessageStatus, changed: updated.length }, 'twilio status callback');
      }
      // Twilio only needs a 2xx; an unknown SID or status is acknowledged so it is not resent.
      res.status(204).end();
    } catch (err) {
      next(err);
    }
  });
  return router;
}
