// Bearer-token checks and JSON errors for the plain HTTP routes (uploads, previews), shaped like
// GraphQL errors so clients handle one format.
import type { Request, Response } from 'express';

import type { AppContext } from '../../context.js';
import { UnauthenticatedError } from '../../domain/errors.js';
import { toId } from '../../domain/ids.js';
import type { Viewer } from '../../services/auth.service.js';
import { authenticate } from '../authenticate.js';
import { type Role } from '../../domain/roles.js';

export function sendError(
  res: Response,
  status: number,
  code: string,
  message: string,
  extensions: Record<string, unknown> = {},
): void {
  res.status(status).json({ errors: [{ message, extensions: { ...extensions, code } }] });
}

/** The viewer when their role is allowed (ADMIN always is); otherwise answers 401/403 and returns null. */
export async function authorize(
  app: AppContext,
  req: Request,
  res: Response,
  roles: readonly Role[],
): Promise<Viewer | null> {
  let viewer: Viewer | null;
  try {
    viewer = await authenticate(app, req.headers.authorization);
  } catch (err) {
    sendError(res, 401, 'UNAUTHENTICATED', err instanceof UnauthenticatedError ? err.message : 'Invalid token');
    return null;
  }
  if (!viewer) {
    sendError(res, 401, 'UNAUTHENTICATED', 'Sign in first: send Authorization: Bearer <token>');
    return null;
  }
  if (viewer.role !== 'ADMIN' && !roles.includes(viewer.role)) {
    sendError(res, 403, 'FORBIDDEN', `The ${viewer.role} account may not do this`);
    return null;
  }
  return viewer;
}

/** A positive integer id from the path, or null. */
export function pathId(value: unknown): number | null {
  return typeof value === 'string' ? toId(value) : null;
}
