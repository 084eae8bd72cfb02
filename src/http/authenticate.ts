// Who calls, for every entry point (GraphQL over HTTP and WebSocket, the plain routes): the token's
// signature and expiry, then whether its account still stands (not disabled, deleted or revoked).
import { liveOf, type AppContext } from '../context.js';
import { viewerFromAuthorization, type Viewer } from '../services/auth.service.js';

/** null when anonymous; UnauthenticatedError when the token is invalid, expired or revoked. */
export async function authenticate(app: AppContext, header: unknown): Promise<Viewer | null> {
  const viewer = await viewerFromAuthorization(app.config.secretKey, header);
  if (viewer) await liveOf(app).accounts.check(viewer);
  return viewer;
}
