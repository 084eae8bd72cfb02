// Compute once, send to many: subscribers with the same document, variables and visibility share
// one execution. Each event is executed once (with a fresh context, so loaders never serve stale
// rows), serialized to JSON once, and the same bytes go to every socket.
import { createHash } from 'node:crypto';
import {
  createSourceEventStream, execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLFormattedError, type GraphQLSchema,
} from 'graphql';
import { latestIterator, type LatestIterator } from './latest-iterator.js';

/** A result serialized once; graphql-ws puts a marker where it goes and the socket adapter splices the bytes in. */
export class SharedPayload {
  constructor(readonly json: Buffer) {}
  toJSON(): string {
    lastSerialized = this;
    return SHARED_MARKER;
  }
}

const SHARED_MARKER = '\u0000shared-payload\u0000';
const MARKER_TAIL = `${JSON.stringify(SHARED_MARKER)}}`;
let lastSerialized: SharedPayload | null = null;

/**
 * Turns an outgoing graphql-ws message into bytes: a `next` message carrying a SharedPayload is
 * `{"id":…,"type":"next","payload":<marker>}` — payload is the last key, so the marker is at the
 * very end whatever the (client-chosen) id contains — and its serialized bytes replace the marker.
 */
export function encodeMessage(data: string): string | Buffer {
  if (!lastSerialized || !data.endsWith(MARKER_TAIL)) return data;
  const payload = lastSerialized;
  lastSerialized = null;
  return Buffer.concat([Buffer.from(data.slice(0, -MARKER_TAIL.length)), payload.json, CLOSE_BRACE]);
}
const CLOSE_BRACE = Buffer.from('}');

export interface SharedRequest {
  schema: GraphQLSchema;
  document: DocumentNode;
  query: string;
  variables: Record<string, unknown> | undefined;
  operationName: string | null | undefined;
  /** Who may see what: 'anonymous' or the role. Part of the key, so visibility never leaks. */
  visibility: string;
  /** A fresh context for one execution (per event). */
  context(): unknown;
  /** Client-safe form of an error (the server's one error mapping). */
  formatError(error: GraphQLError): GraphQLFormattedError;
}

interface Execution {
  readonly sinks: Set<LatestIterator<SharedPayload>>;
  last: SharedPayload | null;
  /** Events executed so far (once each, however many subscribers). */
  executed: number;
  closed: boolean;
  /** Resolves when the first result is out (or with the errors that stopped the subscription starting). */
  readonly started: Promise<readonly GraphQLError[] | null>;
  close(): void;
}

export interface SharedExecutions {
  /** A stream of serialized results for this subscriber, or the errors that prevent subscribing. */
  join(req: SharedRequest): Promise<LatestIterator<SharedPayload> | readonly GraphQLError[]>;
  stats(): { executions: number; subscribers: number; executed: number };
  /** One execution's subscribers and executed events, by key (see keyOf). */
  info(key: string): { subscribers: number; executed: number } | undefined;
}

export function keyOf(req: Pick<SharedRequest, 'query' | 'variables' | 'operationName' | 'visibility'>): string {
  return createHash('sha1').update(JSON.stringify([req.query, req.variables ?? {}, req.operationName ?? null, req.visibility])).digest('base64url');
}

export function createSharedExecutions(): SharedExecutions {
  const executions = new Map<string, Execution>();
  let executed = 0;

  function serialize(req: SharedRequest, result: ExecutionResult): SharedPayload {
    const body = result.errors?.length ? { ...result, errors: result.errors.map((e) => req.formatError(e)) } : { data: result.data };
    return new SharedPayload(Buffer.from(JSON.stringify(body)));
  }

  function start(key: string, req: SharedRequest): Execution {
    let source: AsyncIterator<unknown> | null = null;
    let resolveStarted!: (errors: readonly GraphQLError[] | null) => void;
    const exec: Execution = {
      sinks: new Set(),
      last: null,
      executed: 0,
      closed: false,
      started: new Promise<readonly GraphQLError[] | null>((r) => (resolveStarted = r)),
      close() {
        if (exec.closed) return;
        exec.closed = true;
        if (executions.get(key) === exec) executions.delete(key);
        void source?.return?.();
        for (const sink of [...exec.sinks]) void sink.return(undefined);
      },
    };
    executions.set(key, exec);

    const run = async () => {
      const args = { schema: req.schema, document: req.document, variableValues: req.variables, operationName: req.operationName };
      const stream = await createSourceEventStream({ ...args, contextValue: req.context() });
      if (!(Symbol.asyncIterator in stream)) {
        resolveStarted(stream.errors ?? [new GraphQLError('Subscription could not start')]);
        exec.close();
        return;
      }
      source = stream[Symbol.asyncIterator]();
      if (exec.closed) {
        void source.return?.();
        return;
      }
      for (;;) {
        const event = await source.next();
        if (event.done || exec.closed) break;
        const result = await execute({ ...args, rootValue: event.value, contextValue: req.context() });
        executed++;
        exec.executed++;
        exec.last = serialize(req, result as ExecutionResult);
        for (const sink of exec.sinks) sink.push(exec.last);
        resolveStarted(null);
      }
      exec.close();
    };
    run().catch((err: unknown) => {
      const error = err instanceof GraphQLError ? err : new GraphQLError((err as Error)?.message ?? String(err), { originalError: err as Error });
      resolveStarted([error]);
      for (const sink of exec.sinks) sink.fail(error);
      exec.close();
    });
    return exec;
  }

  return {
    async join(req) {
      const key = keyOf(req);
      for (;;) {
        let exec = executions.get(key);
        if (!exec || exec.closed) exec = start(key, req);
        const errors = await exec.started;
        if (errors) return errors;
        if (exec.closed) continue; // its last subscriber left while we waited: start afresh
        const execution = exec;
        const sink = latestIterator<SharedPayload>(() => {
          execution.sinks.delete(sink);
          if (execution.sinks.size === 0) execution.close();
        });
        execution.sinks.add(sink);
        if (execution.last) sink.push(execution.last);
        return sink;
      }
    },
    stats() {
      let subscribers = 0;
      for (const e of executions.values()) subscribers += e.sinks.size;
      return { executions: executions.size, subscribers, executed };
    },
    info(key) {
      const e = executions.get(key);
      return e && { subscribers: e.sinks.size, executed: e.executed };
    },
  };
}
