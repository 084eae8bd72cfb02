// Short links for texts: Bitly when a token is set (falling back when it fails), else our own /s/<code>.
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { publicBaseUrl, type Config } from '../config.js';
import type { CallContext } from '../context.js';
import type { Executor } from '../db/client.js';
import { shortLinks } from '../db/schema.js';

/** 8 random bytes → 11 URL-safe characters: unguessable, and still short in a text. */
export function newCode(): string {
  return randomBytes(8).toString('base64url');
}

export const CODE_PATTERN = /^[A-Za-z0-9_-]{8,32}$/;

export async function builtInShortLink(db: Executor, config: Config, url: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const code = newCode();
    const rows = await db
      .insert(shortLinks)
      .values({ code, url })
      .onConflictDoNothing()
      .returning({ code: shortLinks.code });
    if (rows.length) return `${publicBaseUrl(config)}/s/${code}`;
    if (attempt >= 3) throw new Error('could not allocate a short link code');
  }
}

export class BitlyError extends Error {}

export async function bitlyShortLink(
  bitly: NonNullable<Config['bitly']>,
  url: string,
  timeoutMs = 5000,
): Promise<string> {
  const res = await fetch(`${bitly.apiUrl.replace(/\/+$/, '')}/v4/shorten`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bitly.token}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ long_url: url }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await res.json().catch(() => null)) as {
    link?: unknown;
    message?: unknown;
    description?: unknown;
  } | null;
  if (!res.ok || typeof body?.link !== 'string' || !URL.canParse(body.link)) {
    throw new BitlyError(`Bitly answered ${res.status}: ${String(body?.message ?? body?.description ?? 'no link')}`);
  }
  return body.link;
}

/** A short link to `url`. Bitly trouble never loses the text: the built-in link is used instead. */
export async function shorten(c: CallContext, url: string): Promise<{ link: string; via: 'bitly' | 'builtin' }> {
  const { config } = c.app;
  if (config.bitly) {
    try {
      return { link: await bitlyShortLink(config.bitly, url), via: 'bitly' };
    } catch (err) {
      c.log.warn({ err: (err as Error).message }, 'Bitly failed; using a built-in short link');
    }
  }
  return { link: await builtInShortLink(c.db, config, url), via: 'builtin' };
}

/** The target of a built-in code, counting the visit; null when unknown, 'gone' when what it pointed to was erased. */
export async function followShortLink(db: Executor, code: string): Promise<string | 'gone' | null> {
  if (!CODE_PATTERN.test(code)) return null;
  const [row] = await db
    .update(shortLinks)
    .set({ hits: sql`${shortLinks.hits} + 1` })
    .where(eq(shortLinks.code, code))
    .returning({ url: shortLinks.url, goneAt: shortLinks.goneAt });
  if (!row) return null;
  return row.goneAt ? 'gone' : row.url;
}
