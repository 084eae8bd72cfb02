// Compute once, send to many: subscribers with the same document, variables and visibility share
// one execution. Each event is executed once (with a fresh context, so loaders never serve stale
// rows), serialized to JSON once, and the same bytes — framed as a graphql-ws `next` message — go
// to every socket, a chunk of sockets per macrotask; a result identical to the previous one is not
// sent again; a socket that is far behind gets only the newest result once it catches up.
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
import type { WebSocket } from 'ws';
import { latestIterator, type LatestIterator } from './topic.js';

// Sockets written per macrotask: a fan-out to 10,000 sockets must not hold the event loop for
// its whole duration (HTTP requests and pings keep being served in between).
const FANOUT_CHUNK = 500;
// A socket this far behind gets only the newest result once it catches up.
const MAX_BUFFERED_BYTES = 1024 * 1024;
const BEHIND_RETRY_MS = 100;
const CLOSE_BRACE = Buffer.from('}');

/** One subscription operation as a socket asked for it. */
export interface LiveRequest {
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

/** Where results go: the socket, and the operation id its frames carry. */
export interface LiveTarget {
  socket: WebSocket;
  id: string;
}

/**
 * What graphql-ws waits on for a subscription: it never yields (results are written to the socket
 * directly); it ends when the execution does, with its error if it failed. Returning it (the client
 * stopped, the socket closed) leaves the execution.
 */
export type LiveStream = AsyncGenerator<never, undefined, unknown>;

export interface Fanout {
  /**
   * Joins the execution shared by identical subscriptions (starting it when none runs) and writes
   * its results to the target, the current one at once. Returns the stream graphql-ws waits on, or
   * the errors that prevent subscribing (unknown id, a resolver error before the first result).
   */
  subscribe(req: LiveRequest, target: LiveTarget): Promise<LiveStream | readonly GraphQLError[]>;
  stats(): { executions: number; subscribers: number; executed: number };
  /** One execution's subscribers and executed events, by key (see keyOf). */
  info(key: string): { subscribers: number; executed: number } | undefined;
}

/** One socket's subscription: the bytes it was last sent and its back-pressure state. */
interface Member {
  sent: Buffer | null;
  send(json: Buffer): void;
  readonly stream: LatestIterator<never>;
}

interface Execution {
  readonly sinks: Set<Member>;
  /** The newest result, serialized. */
  last: Buffer | null;
  /** Events executed so far (once each, however many subscribers). */
  executed: number;
  closed: boolean;
  /** Why the execution stopped, for its subscribers (null: it just completed). */
  failure: readonly GraphQLError[] | null;
  /** Resolves when the first result is out (or with the errors that stopped the subscription starting). */
  readonly started: Promise<readonly GraphQLError[] | null>;
  fanning: boolean;
  again: boolean;
  close(): void;
}

export function keyOf(req: Pick<LiveRequest, 'query' | 'variables' | 'operationName' | 'visibility'>): string {
  return createHash('sha1')
    .update(JSON.stringify([req.query, req.variables ?? {}, req.operationName ?? null, req.visibility]))
    .digest('base64url');
}

/**
 * A socket's member of an execution. Each result is framed with this operation's prefix around the
 * shared bytes. While the socket's buffer is over the limit, results wait (only the newest is kept)
 * and are retried shortly; a closed socket is skipped until graphql-ws returns its stream.
 */
function socketMember({ socket, id }: LiveTarget, leave: (m: Member) => void): Member {
  const prefix = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
  let waiting: Buffer | null = null;
  const stream = latestIterator<never>(() => leave(member));
  const write = (json: Buffer) => {
    if (stream.closed || socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      if (!waiting)
        setTimeout(() => {
          const newest = waiting!;
          waiting = null;
          write(newest);
        }, BEHIND_RETRY_MS);
      waiting = json;
      return;
    }
    socket.send(Buffer.concat([prefix, json, CLOSE_BRACE]), { binary: false });
  };
  const member: Member = {
    sent: null,
    stream,
    send: (json) => (waiting ? (waiting = json) : write(json)),
  };
  return member;
}

export function createFanout(): Fanout {
  const executions = new Map<string, Execution>();
  let executed = 0;

  function serialize(req: LiveRequest, result: ExecutionResult): Buffer {
    const body = result.errors?.length
      ? { ...result, errors: result.errors.map((e) => req.formatError(e)) }
      : { data: result.data };
    return Buffer.from(JSON.stringify(body));
  }

  /**
   * Sends the newest result to every member that has not had it, a chunk per macrotask. A result
   * arriving mid-way restarts the pass: members already served get the newer one, none is skipped.
   */
  function fanOut(exec: Execution) {
    if (exec.fanning) {
      exec.again = true;
      return;
    }
    exec.fanning = true;
    exec.again = false;
    const members = [...exec.sinks];
    let i = 0;
    const step = () => {
      const json = exec.last!;
      for (const end = Math.min(i + FANOUT_CHUNK, members.length); i < end; i++) {
        const m = members[i]!;
        if (m.sent === json || !exec.sinks.has(m)) continue;
        m.sent = json;
        m.send(json);
      }
      if (i < members.length && !exec.closed) return void setImmediate(step);
      exec.fanning = false;
      if (exec.again && !exec.closed) fanOut(exec);
    };
    step();
  }

  function start(key: string, req: LiveRequest): Execution {
    let source: AsyncIterator<unknown> | null = null;
    let resolveStarted!: (errors: readonly GraphQLError[] | null) => void;
    const exec: Execution = {
      sinks: new Set(),
      last: null,
      executed: 0,
      failure: null,
      closed: false,
      fanning: false,
      again: false,
      started: new Promise<readonly GraphQLError[] | null>((r) => (resolveStarted = r)),
      close() {
        if (exec.closed) return;
        exec.closed = true;
        if (executions.get(key) === exec) executions.delete(key);
        void source?.return?.();
        const members = [...exec.sinks];
        exec.sinks.clear();
        const error = exec.failure?.[0];
        for (const { stream } of members) {
          if (error) stream.fail(new GraphQLError(error.message, { originalError: error }));
          else void stream.return(undefined);
        }
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
        const json = serialize(req, result as ExecutionResult);
        // A change elsewhere (another game of the show, a souvenir column) can leave this result as
        // it was: then every member already has it, and clients get one payload per real change.
        if (exec.last?.equals(json)) continue;
        exec.last = json;
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
    async subscribe(req, target) {
      const key = keyOf(req);
      for (;;) {
        let exec = executions.get(key);
        if (!exec || exec.closed) exec = start(key, req);
        const errors = await exec.started;
        if (errors) return errors;
        if (exec.closed) continue; // its last subscriber left while we waited: start afresh
        const execution = exec;
        const member = socketMember(target, (m) => {
          if (!execution.sinks.delete(m)) return;
          if (execution.sinks.size === 0) execution.close();
        });
        execution.sinks.add(member);
        member.sent = execution.last;
        member.send(execution.last!);
        return member.stream;
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
