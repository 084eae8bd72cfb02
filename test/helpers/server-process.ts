// The real entry point (node --import tsx src/main.ts) as a child process, for tests that must see
// the process itself: whether it stays up, how it exits, what it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PASSWORDS } from './server.js';

const root = path.resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  proc: ChildProcess;
  /** The HTTP base URL it printed once ready. */
  url: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Null while it runs. */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | null;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface Spawned {
  proc: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts src/main.ts with exactly `env` (plus PATH and HOME) and collects its output; `cwd` is the
 * checkout to run (this one by default).
 */
export function spawnServer(env: Record<string, string>, args: string[] = [], cwd = root): Spawned {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { proc, output: () => out, exited };
}

/** Starts the server and resolves once it prints its GraphQL URL (rejects if it exits first). */
export async function startServerProcess(
  env: Record<string, string>,
  args: string[] = [],
  timeoutMs = 45_000,
): Promise<ServerProcess> {
  const { proc, output, exited } = spawnServer(env, args);
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  void exited.then((e) => (exit = e));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`server did not start within ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    const check = () => {
      const m = /GraphQL\s+(http:\/\/\S+)\/graphql/.exec(output());
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited before it started:\n${output()}`));
    });
  });
  return { proc, url, output, exit: () => exit, exited };
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopServerProcess(server: Pick<Spawned, 'proc' | 'exited'>, graceMs = 10_000): Promise<void> {
  if (server.proc.exitCode !== null || server.proc.signalCode !== null) return;
  server.proc.kill('SIGTERM');
  const timer = setTimeout(() => server.proc.kill('SIGKILL'), graceMs);
  await server.exited;
  clearTimeout(timer);
}

export interface Reply<T> {
  data?: T;
  errors?: unknown[];
}

/** POSTs a GraphQL operation to a server at `url` (a bearer `token` if given). */
export async function postGql<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<Reply<T>> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  return (await res.json()) as Reply<T>;
}

/** A token for one of the accounts testEnv() sets the password of. */
export async function loginAs(url: string, username: keyof typeof PASSWORDS): Promise<string> {
  const r = await postGql<{ login: { token: string } }>(
    url,
    `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
    { u: username, p: PASSWORDS[username] },
  );
  if (!r.data?.login) throw new Error(`login as ${username} failed: ${JSON.stringify(r.errors)}`);
  return r.data.login.token;
}

/** Creates a show (as the ADMIN whose `token` is given) on the server at `url`; returns its id. */
export async function createShowAt(url: string, token: string, name: string, date = '2031-06-01'): Promise<string> {
  const r = await postGql<{ createShow: { id: string } }>(
    url,
    `mutation($i: ShowInput!) { createShow(input: $i) { id } }`,
    {
      i: {
        name,
        date,
        welcomeMessage: 'Welcome {firstName}!',
        recallMessage: 'Come back now, {firstName}',
        souvenirMessage: 'Your souvenir: {url}',
      },
    },
    token,
  );
  if (!r.data?.createShow) throw new Error(`createShow failed: ${JSON.stringify(r.errors)}`);
  return r.data.createShow.id;
}
