// Compute once, send to many: subscribers with the same document, variables and visibility share
// one execution. Each event is executed once (with a fresh context, so loaders never serve stale
// rows), serialized to JSON once, and the same bytes go to every socket.
import { createHash } from 'node:crypto';
import {
  createSourceEventStream,
  execute,
  GraphQLError,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';

/** A result serialized once; every subscriber's socket gets these same bytes. */
export class SharedPayload {
  constructor(readonly json: Buffer) {}
}

/** One subscriber of a shared execution: writes results to its socket. */
export interface SharedSubscriber {
  /** A result to send (the first one is the current state). */
  next(payload: SharedPayload): void;
  /** The execution ended: with errors, or normally (null). */
  end(errors: readonly GraphQLError[] | null): void;
}

// Sockets written per macrotask: a fan-out to 10,000 sockets must not hold the event loop for
// its whole duration (HTTP requests and pings keep being served in between).
const FANOUT_CHUNK = 500;

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

interface Member {
  readonly subscriber: SharedSubscriber;
  sent: SharedPayload | null;
}

interface Execution {
  readonly sinks: Set<Member>;
  last: SharedPayload | null;
  /** Events executed so far (once each, however many subscribers). */
  executed: number;
  closed: boolean;
  /** Why the execution stopped, for its subscribers (null: it just completed). */
  failure: readonly GraphQLError[] | null;
  /** Resolves when the first result is out (or with the errors that stopped the subscription starting). */
  readonly started: Promise<readonly GraphQLError[] | null>;
  close(): void;
}

export interface SharedExecutions {
  /** Adds a subscriber (it gets the current result at once), or returns the errors that prevent subscribing. */
  join(req: SharedRequest, subscriber: SharedSubscriber): Promise<{ leave(): void } | readonly GraphQLError[]>;
  stats(): { executions: number; subscribers: number; executed: number };
  /** One execution's subscribers and executed events, by key (see keyOf). */
  info(key: string): { subscribers: number; executed: number } | undefined;
}

export function keyOf(req: Pick<SharedRequest, 'query' | 'variables' | 'operationName' | 'visibility'>): string {
  return createHash('sha1')
    .update(JSON.stringify([req.query, req.variables ?? {}, req.operationName ?? null, req.visibility]))
    .digest('base64url');
}

export function createSharedExecutions(): SharedExecutions {
  const executions = new Map<string, Execution>();
  let executed = 0;

  function serialize(req: SharedRequest, result: ExecutionResult): SharedPayload {
    const body = result.errors?.length
      ? { ...result, errors: result.errors.map((e) => req.formatError(e)) }
      : { data: result.data };
    return new SharedPayload(Buffer.from(JSON.stringify(body)));
  }

  /**
   * Sends the newest result to every member that has not had it, a chunk per macrotask. A result
   * arriving mid-way restarts the pass: members already served get the newer one, none is skipped.
   */
  function fanOut(exec: Execution & { fanning?: boolean; again?: boolean }) {
    if (exec.fanning) {
      exec.again = true;
      return;
    }
    exec.fanning = true;
    exec.again = false;
    const members = [...exec.sinks];
    let i = 0;
    const step = () => {
      const payload = exec.last!;
      for (const end = Math.min(i + FANOUT_CHUNK, members.length); i < end; i++) {
        const m = members[i]!;
        if (m.sent === payload || !exec.sinks.has(m)) continue;
        m.sent = payload;
        m.subscriber.next(payload);
      }
      if (i < members.length && !exec.closed) return void setImmediate(step);
      exec.fanning = false;
      if (exec.again && !exec.closed) fanOut(exec);
    };
    step();
  }

  function start(key: string, req: SharedRequest): Execution {
    let source: AsyncIterator<unknown> | null = null;
    let resolveStarted!: (errors: readonly GraphQLError[] | null) => void;
    const exec: Execution = {
      sinks: new Set(),
      last: null,
      executed: 0,
      failure: null,
      closed: false,
      started: new Promise<readonly GraphQLError[] | null>((r) => (resolveStarted = r)),
      close() {
        if (exec.closed) return;
        exec.closed = true;
        if (executions.get(key) === exec) executions.delete(key);
        void source?.return?.();
        const members = [...exec.sinks];
        exec.sinks.clear();
        for (const m of members) m.subscriber.end(exec.failure);
      },
    };
    executions.set(key, exec);

    const run = async () => {
      const args = {
        schema: req.schema,
        document: req.document,
        variableValues: req.variables,
        operationName: req.operationName,
      };
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
        fanOut(exec);
        resolveStarted(null);
      }
      exec.close();
    };
    run().catch((err: unknown) => {
      const error =
        err instanceof GraphQLError
          ? err
          : new GraphQLError((err as Error)?.message ?? String(err), { originalError: err as Error });
      resolveStarted([error]);
      exec.failure = [error];
      exec.close();
    });
    return exec;
  }

  return {
    async join(req, subscriber) {
      const key = keyOf(req);
      for (;;) {
        let exec = executions.get(key);
        if (!exec || exec.closed) exec = start(key, req);
        const errors = await exec.started;
        if (errors) return errors;
        if (exec.closed) continue; // its last subscriber left while we waited: start afresh
        const execution = exec;
        const member: Member = { subscriber, sent: execution.last };
        execution.sinks.add(member);
        subscriber.next(execution.last!);
        return {
          leave() {
            if (!execution.sinks.delete(member)) return;
            if (execution.sinks.size === 0) execution.close();
          },
        };
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
