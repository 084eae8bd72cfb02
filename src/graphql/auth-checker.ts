import type { AuthChecker } from 'type-graphql';
import { ForbiddenError, UnauthenticatedError } from '../domain/errors.js';
import type { Role } from '../db/schema.js';
import type { Context } from './context.js';

/** Role lists used on resolvers; ADMIN may do everything. */
export const ROLES = {
  tablet: ['TABLET', 'STAFF'],
  vrGame: ['VR_GAME', 'STAFF'],
  cancel: ['TABLET', 'VR_GAME', 'STAFF'],
  staff: ['STAFF'],
  signedIn: ['ADMIN', 'STAFF', 'TABLET', 'VR_GAME'],
  admin: ['ADMIN'],
} as const satisfies Record<string, readonly Role[]>;

export const authChecker: AuthChecker<Context, Role> = ({ context }, roles) => {
  const viewer = context.viewer;
  if (!viewer) throw new UnauthenticatedError();
  if (viewer.role === 'ADMIN' || roles.length === 0 || roles.includes(viewer.role)) return true;
  throw new ForbiddenError(`The ${viewer.role} account may not do this`);
};
