import type { AuthChecker } from 'type-graphql';
import { ForbiddenError, UnauthenticatedError } from '../domain/errors.js';
import type { Role } from '../domain/roles.js';
import type { Context } from './context.js';

export const authChecker: AuthChecker<Context, Role> = ({ context }, roles) => {
  const viewer = context.viewer;
  if (!viewer) throw new UnauthenticatedError();
  if (viewer.role === 'ADMIN' || roles.length === 0 || roles.includes(viewer.role)) return true;
  throw new ForbiddenError(`The ${viewer.role} account may not do this`);
};
