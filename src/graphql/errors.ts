// The one mapping from anything thrown to what a client sees: codes from src/domain/errors.ts,
// Postgres constraint violations as safe client errors, everything else logged and hidden.
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { DomainError } from '../domain/errors.js';
import { captureUnexpected } from '../observability/sentry.js';
import type { Logger } from '../log.js';

interface PgError {
  code?: string;
  constraint_name?: string;
  detail?: string;
}

function pgError(err: unknown): PgError | null {
  const e = err as PgError & { name?: string };
  return e && typeof e === 'object' && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e : null;
}

function validationFields(err: ArgumentValidationError): Record<string, string> {
  const fields: Record<string, string> = {};
  const walk = (errors: ArgumentValidationError['extensions']['validationErrors'], prefix: string) => {
    for (const v of errors) {
      const name = prefix ? `${prefix}.${v.property}` : v.property;
      if (v.constraints) fields[name] = Object.values(v.constraints).join('; ');
      if (v.children?.length) walk(v.children, /^\d+$/.test(v.property) ? prefix : v.property === 'input' ? '' : name);
    }
  };
  walk(err.extensions.validationErrors, '');
  return fields;
}

/** Returns the error a client may see; logs the ones it may not. */
export function toClientError(formatted: GraphQLFormattedError, error: unknown, log: Logger): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  if (original instanceof DomainError) {
    return { ...base, message: original.message, extensions: { ...original.extensions, code: original.code } };
  }
  if (original instanceof ArgumentValidationError) {
    const fields = validationFields(original);
    return {
      ...base,
      message: `Invalid input: ${Object.entries(fields)
        .map(([f, m]) => `${f}: ${m}`)
        .join('; ')}`,
      extensions: { code: 'BAD_USER_INPUT', fields },
    };
  }
  const pg = pgError(original);
  if (pg?.code === '23505') return { ...base, message: 'That already exists', extensions: { code: 'CONFLICT' } };
  if (pg?.code === '23503')
    return {
      ...base,
      message: 'A referenced record does not exist',
      extensions: { code: 'BAD_USER_INPUT', fields: {} },
    };
  // Errors GraphQL itself raised (parse, validation, variable coercion) are safe and useful as they are.
  if (original instanceof GraphQLError && !original.originalError) {
    // `http` tells Apollo the status of a refusal; over WebSocket it would reach the client as is.
    const { stacktrace: _stack, http: _http, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  log.error({ err: original, path: formatted.path }, 'unexpected error');
  captureUnexpected(original, { path: formatted.path });
  return { ...base, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
