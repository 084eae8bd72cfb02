// One error hierarchy for the whole server; src/graphql/errors.ts maps it to responses in one place.
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'ILLEGAL_TRANSITION'
  | 'CONFLICT'
  | 'INTERNAL_SERVER_ERROR';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UnauthenticatedError extends DomainError {
  /** The token was genuine but has run out: signing in again (or a fresh token) helps. */
  readonly expired: boolean;
  constructor(message = 'Sign in first', options: { expired?: boolean } = {}) {
    super('UNAUTHENTICATED', message);
    this.expired = options.expired ?? false;
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'Your account may not do this') {
    super('FORBIDDEN', message);
  }
}

export class NotFoundError extends DomainError {
  constructor(entity: string, id: string | number) {
    super('NOT_FOUND', `${entity} ${id} not found`, { entity, id: String(id) });
  }
}

/** Bad input; `fields` maps each offending input field to what is wrong with it. */
export class BadInputError extends DomainError {
  constructor(
    readonly fields: Record<string, string>,
    message?: string,
  ) {
    super(
      'BAD_USER_INPUT',
      message ??
        `Invalid input: ${Object.entries(fields)
          .map(([f, m]) => `${f} ${m}`)
          .join('; ')}`,
      { fields },
    );
  }
}

export class IllegalTransitionError extends DomainError {
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super('ILLEGAL_TRANSITION', `A game cannot move from ${from} to ${to}`, { from, to });
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super('CONFLICT', message, extensions);
  }
}
