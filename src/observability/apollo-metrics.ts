// Apollo plugin: counts and times each HTTP GraphQL operation and counts the error codes returned.
import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type OperationDefinitionNode } from 'graphql';
import { requestAnswered } from './busy.js';
import { graphqlDuration, graphqlErrors, graphqlRequests } from './metrics.js';

/**
 * The label is the operation's root field names, not the client's operationName: the schema bounds
 * them, while clients can send any name (and a label per name would grow without limit).
 */
export function operationLabel(operation: OperationDefinitionNode | null | undefined): string {
  if (!operation) return 'invalid';
  const names = [
    ...new Set(operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []))),
  ].sort();
  if (!names.length) return 'fragment';
  return names.length > 3 ? `${names.slice(0, 3).join(',')},…` : names.join(',');
}

export function metricsPlugin<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      let operation = 'invalid';
      let type = 'unknown';
      return {
        async didResolveOperation({ operation: op }) {
          operation = operationLabel(op);
          type = op?.operation ?? 'unknown';
        },
        async willSendResponse({ response }) {
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          for (const e of errors) graphqlErrors.inc({ code: String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR') });
          graphqlRequests.inc({ operation, type, outcome: errors.length ? 'error' : 'ok' });
          requestAnswered();
          graphqlDuration.observe({ operation, type }, Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };
}
