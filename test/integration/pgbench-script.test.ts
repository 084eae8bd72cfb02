// bench/pgbench/lifecycle.sql claims to be, statement for statement, what the services run for one
// chain (signUp → queue → confirm → play → complete with two auto-recalls). This test runs that
// chain through the services, captures every statement they send, and compares the shape of each
// transaction with the script's: the tables each statement reads and writes, the columns it writes,
// row locks, advisory-lock keys and NOTIFYs, in order. A service that gains, loses or changes a
// statement fails here until the script follows.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callContext } from '../../src/context.js';
import { openDatabase } from '../../src/db/client.js';
import { completeGame, moveGame } from '../../src/services/game.service.js';
import { signUp, type SignUpRequest } from '../../src/services/player.service.js';
import { seedShow, seedTeams } from '../helpers/api.js';
import { useTestServer } from '../helpers/server.js';

const SCRIPT = path.resolve(import.meta.dirname, '../../bench/pgbench/lifecycle.sql');

// Workers off: nothing but the chain writes while it is captured. The script recalls up to two.
const server = await useTestServer({ worker: false, env: { RECALL_WINDOW_SIZE: '2' } });
await seedShow(server);
await seedTeams(server, ['Red', 'Blue']);
const tableRows = await server.app.context.database.primarySql<{ name: string }[]>`
  select case table_schema when 'public' then table_name else table_schema || '.' || table_name end as name
  from information_schema.tables where table_schema in ('public', 'pgboss')`;
const TABLES = new Set(tableRows.map((r) => r.name));

interface Statement {
  sql: string;
  params: readonly unknown[];
}

/** The text inside the parentheses opening at `open`. */
function inside(s: string, open: number): string {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth === 0) return s.slice(open + 1, i);
  }
  throw new Error(`unbalanced parentheses in: ${s}`);
}

/** Splits at commas outside parentheses. */
function topLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (s[i] === ',' && depth === 0) {
      parts.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(s.slice(start).trim());
  return parts;
}

/** What a statement does, independent of how it is spelled: a sorted list of facts. */
function shapeOf({ sql, params }: Statement): string {
  const s = sql
    .toLowerCase()
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/"/g, '')
    .replace(/\s+/g, ' ');
  const facts: string[] = [];
  for (const m of s.matchAll(/\binsert into ([\w.]+) ?\(/g)) {
    const open = m.index + m[0].length - 1;
    const columns = topLevel(inside(s, open));
    const rest = s.slice(open + inside(s, open).length + 2).trimStart();
    const values = rest.startsWith('values') ? topLevel(inside(rest, rest.indexOf('('))) : columns;
    const written = columns.filter((_, i) => values[i] !== 'default').sort();
    facts.push(`insert ${m[1]}(${written.join(',')})`);
  }
  for (const m of s.matchAll(/\bupdate ([\w.]+) set /g)) {
    const tail = s.slice(m.index + m[0].length);
    const end = tail.search(/ (from|where|returning) /);
    const columns = topLevel(end < 0 ? tail : tail.slice(0, end)).map((a) => a.split('=')[0]!.trim());
    facts.push(`update ${m[1]}(${columns.sort().join(',')})`);
  }
  for (const m of s.matchAll(/\b(?:from|join) ([\w.]+)/g)) if (TABLES.has(m[1]!)) facts.push(`read ${m[1]}`);
  if (/\bfor update\b/.test(s)) facts.push('row lock');
  if (/\bon conflict\b/.test(s)) facts.push('on conflict');
  // A lock key as the statement gives it: a literal, or a parameter's value.
  const keyOf = (arg: string) => {
    const key = arg.trim();
    return String(key.startsWith('$') ? params[Number(key.slice(1)) - 1] : key);
  };
  for (const m of s.matchAll(/\bpg_(try_)?advisory_xact_lock\(\s*([^,)]+)/g))
    facts.push(`${m[1] ? 'try ' : ''}advisory lock ${keyOf(m[2]!)}`);
  // The server's own functions that write: the team join takes the team lock (its second argument).
  for (const m of s.matchAll(/\b(mlb_join_smallest_team)\(\s*[^,]+,\s*([^,)]+)\)/g))
    facts.push(`${m[1]} under advisory lock ${keyOf(m[2]!)}`);
  for (const m of s.matchAll(/\bpg_notify\(\s*([^,]+),/g))
    facts.push(`notify ${m[1]!.includes('pgboss') ? 'pgboss' : m[1]}`);
  return facts.sort().join('; ');
}

/** The script's transactions, each the list of its statements (psql meta-commands dropped). */
function scriptTransactions(text: string): Statement[][] {
  const statements: string[] = [];
  let current: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('--')) continue;
    if (line.startsWith('\\')) continue; // \set, \if, \endif: the chain below takes every branch
    const gset = /\s*\\gset$/.test(line);
    current.push(line.replace(/\s*\\gset$/, ''));
    if (gset || line.endsWith(';')) {
      statements.push(current.join('\n').replace(/;$/, ''));
      current = [];
    }
  }
  return transactions(statements.map((sql) => ({ sql, params: [] })));
}

/** Groups statements into BEGIN … COMMIT blocks; a statement outside one is a transaction of its own. */
function transactions(statements: Statement[]): Statement[][] {
  const out: Statement[][] = [];
  let open: Statement[] | null = null;
  for (const st of statements) {
    if (/^\s*begin\b/i.test(st.sql)) open = [];
    else if (/^\s*commit\b/i.test(st.sql)) {
      if (open) out.push(open);
      open = null;
    } else if (open) open.push(st);
    else out.push([st]);
  }
  return out;
}

const shapes = (txs: Statement[][]) => txs.map((tx) => tx.map(shapeOf));

// The chain of the lifecycle bench (bench/lifecycle.bench.ts), through the services.
const captured: Statement[] = [];
let capturing = false;
const database = openDatabase({
  url: server.db.url,
  max: 2,
  onQuery: (sql, params) => {
    if (capturing) captured.push({ sql, params });
  },
});
afterAll(() => database.close());
const call = callContext({ ...server.app.context, database }, 'mlbtablet');
const vr = callContext({ ...server.app.context, database }, 'mlbvrgame');
let phone = 2000;
const input = (): SignUpRequest => ({
  firstName: 'Bench',
  lastName: 'Player',
  handedness: 'RIGHT',
  signedWaiver: true,
  mobileNumber: `+1 415 555 ${phone++}`,
});

describe('bench/pgbench/lifecycle.sql', () => {
  it('runs the statements the services run for one chain, transaction for transaction', async () => {
    // Two players waiting with a phone: the completion recalls both, as the script's two recall blocks do.
    for (let i = 0; i < 2; i++) {
      const p = await signUp(call, input());
      const [game] = await database.primarySql<{ id: number }[]>`select id from games where player_id = ${p.id}`;
      await moveGame(call, game!.id, 'queue');
    }
    capturing = true;
    const player = await signUp(call, input());
    // Not captured: no part of what is compared.
    capturing = false;
    const [game] = await database.primarySql<{ id: number }[]>`select id from games where player_id = ${player.id}`;
    capturing = true;
    await moveGame(call, game!.id, 'queue');
    await moveGame(call, game!.id, 'confirm');
    await moveGame(vr, game!.id, 'play');
    await completeGame(vr, game!.id, { score: 1200, distance: 410, homeruns: 3 });
    capturing = false;

    const services = shapes(transactions(captured));
    const script = shapes(scriptTransactions(readFileSync(SCRIPT, 'utf8')));
    expect(services.length).toBe(5);
    expect(services.at(-1)!.filter((s) => s.includes('update games(')).length).toBe(3); // completed + two recalls
    expect(script).toEqual(services);
  });

  it('notices a script that drifts from the services', () => {
    const text = readFileSync(SCRIPT, 'utf8');
    const original = shapes(scriptTransactions(text));
    const drifted = [
      // an explicit announcement next to the trigger's
      text.replace(/(JOIN shows ON shows\.id = moved\.show_id \\gset\n)/, "$1SELECT pg_notify('mlb_changes', '{}');\n"),
      // another lock key
      text.replace('mlb_join_smallest_team(moved.player_id, 7302)', 'mlb_join_smallest_team(moved.player_id, 7303)'),
      // a column the services do not write
      text.replace('updated_at = now(), queued_at', 'updated_at = now(), recalled_at = now(), queued_at'),
      // the team join missing
      text.replace(', mlb_join_smallest_team(moved.player_id, 7302)', ''),
      // a statement missing
      text.replace("SELECT pg_advisory_xact_lock(7303, hashtext('Bench Player +1415555' || :suffix::text));\n", ''),
    ];
    for (const d of drifted) {
      expect(d).not.toBe(text);
      expect(shapes(scriptTransactions(d))).not.toEqual(original);
    }
  });
});
