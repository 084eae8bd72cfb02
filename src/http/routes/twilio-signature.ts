// Twilio signs every webhook with our auth token over the URL it was given and the posted form;
// without a valid signature nothing is read, stored or changed.
import type { Request } from 'express';
import twilio from 'twilio';
import type { AppContext } from '../../context.js';

/** The URL Twilio signed: the public address it was given, else the one this request reached. */
function signedUrl(app: AppContext, req: Request): string {
  const base = app.config.publicBaseUrl ?? `${req.protocol}://${req.get('host')}`;
  return `${base}${req.originalUrl}`;
}

/** The posted form when the signature is Twilio's, else null. */
export function verifiedTwilioForm(app: AppContext, req: Request, authToken: string): Record<string, string> | null {
  const params = (req.body ?? {}) as Record<string, string>;
  const signature = req.get('x-twilio-signature') ?? '';
  if (!signature || !twilio.validateRequest(authToken, signature, signedUrl(app, req), params)) return null;
  return params;
}
