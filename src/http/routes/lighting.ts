// POST /lighting/ — the endpoint the VR builds of the server this one replaces call: `{"event":
// "LA" | "Boston" | "attractor" | "in-game"}` with their token, answered `{"received": "<event>"}`
// as before. Each event is the show's cue of that meaning (src/domain/lighting.ts), set like
// setLighting does.
import express, { Router } from 'express';
import { callContext, type AppContext } from '../../context.js';
import { DomainError } from '../../domain/errors.js';
import { isLegacyEvent, LEGACY_EVENTS } from '../../domain/lighting.js';
import { MAY } from '../../domain/roles.js';
import { setLighting } from '../../services/lighting.service.js';
import { authorize, sendError } from './route-auth.js';
import { STRICT_ROUTING } from './strict-routing.js';

/** An event is a few bytes. */
const BODY_LIMIT = '16kb';
const STATUS: Record<string, number> = { NOT_FOUND: 404, BAD_USER_INPUT: 400 };

export function lightingRoutes(app: AppContext): Router {
  const router = Router(STRICT_ROUTING);
  // The builds post JSON; a form-encoded body is taken too, as the original framework did.
  const json = express.json({ limit: BODY_LIMIT });
  const form = express.urlencoded({ extended: false, limit: BODY_LIMIT });
  router.post('/lighting/', json, form, async (req, res) => {
    const viewer = await authorize(app, req, res, MAY.lighting);
    if (!viewer) return;
    const event: unknown = (req.body as Record<string, unknown> | undefined)?.event;
    const allowed = Object.keys(LEGACY_EVENTS);
    if (!isLegacyEvent(event))
      return sendError(res, 400, 'BAD_USER_INPUT', `event must be one of ${allowed.join(', ')}`, {
        fields: { event: `must be one of ${allowed.join(', ')}` },
        allowed,
      });
    try {
      await setLighting(callContext(app, viewer.username), LEGACY_EVENTS[event]);
    } catch (err) {
      if (err instanceof DomainError && STATUS[err.code])
        return sendError(res, STATUS[err.code]!, err.code, err.message, err.extensions);
      throw err;
    }
    res.json({ received: event });
  });
  return router;
}
