// Short links for texts: Bitly when a token is set (falling back when it fails), else our own /s/<code>.
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { publicBaseUrl, type Config } from '../config.js';
import type { CallContext } from '../context.js';
import type { Executor } from '../db/client.js';
import { alias } from 'drizzle-orm/pg-core';
import { games, players, shortLinks, shows, souvenirFiles } from '../db/schema.js';
import { storyKeyOf } from '../domain/souvenir.js';

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

/**
 * A short link to `url`: the built-in one (for a souvenir, its share page), which Bitly shortens
 * when configured. Bitly trouble never loses the text: the built-in link is used instead.
 */
export async function shorten(c: CallContext, url: string): Promise<{ link: string; via: 'bitly' | 'builtin' }> {
  const { config } = c.app;
  const builtIn = await builtInShortLink(c.db, config, url);
  if (config.bitly) {
    try {
      return { link: await bitlyShortLink(config.bitly, builtIn), via: 'bitly' };
    } catch (err) {
      c.log.warn({ err: (err as Error).message }, 'Bitly failed; using a built-in short link');
    }
  }
  return { link: builtIn, via: 'builtin' };
}

/** What a visit of a built-in link counts: the page or image (`hits`), a "Save image", a share. */
export type LinkCounter = 'hits' | 'saves' | 'shares';

/** The souvenir a built-in link leads to, as it is now (a regenerated card replaces the one the link was made for). */
export interface LinkedSouvenir {
  kind: 'souvenir';
  gameId: number;
  key: string;
  url: string;
  /** The story-sized copy's key; null for a souvenir rendered before there was one. */
  storyKey: string | null;
  firstName: string;
  showName: string;
}

const MEDIA_KEY = /\/media\/(.+)$/;

/**
 * Follows a built-in code, counting the visit as `counter`: null when unknown, 'gone' when what it
 * pointed to was erased, the game's current souvenir when the link was made for one of its cards,
 * else the stored URL.
 */
export async function openShortLink(
  db: Executor,
  code: string,
  counter: LinkCounter,
): Promise<LinkedSouvenir | { kind: 'url'; url: string } | 'gone' | null> {
  if (!CODE_PATTERN.test(code)) return null;
  const [row] = await db
    .update(shortLinks)
    .set({ [counter]: sql`${shortLinks[counter]} + 1` })
    .where(eq(shortLinks.code, code))
    .returning({ url: shortLinks.url, goneAt: shortLinks.goneAt });
  if (!row) return null;
  if (row.goneAt) return 'gone';
  const key = MEDIA_KEY.exec(new URL(row.url).pathname)?.[1];
  if (!key) return { kind: 'url', url: row.url };
  const linked = alias(souvenirFiles, 'linked');
  const [found] = await db
    .select({
      gameId: games.id,
      key: games.souvenirKey,
      url: games.souvenirUrl,
      hasStory: souvenirFiles.hasStory,
      firstName: players.firstName,
      showName: shows.name,
    })
    .from(linked)
    .innerJoin(games, eq(games.id, linked.gameId))
    .innerJoin(players, eq(players.id, games.playerId))
    .innerJoin(shows, eq(shows.id, games.showId))
    .leftJoin(souvenirFiles, eq(souvenirFiles.key, games.souvenirKey))
    .where(eq(linked.key, decodeURIComponent(key)));
  if (!found) return { kind: 'url', url: row.url };
  if (!found.key || !found.url) return 'gone';
  return {
    kind: 'souvenir',
    gameId: found.gameId,
    key: found.key,
    url: found.url,
    storyKey: found.hasStory ? storyKeyOf(found.key) : null,
    firstName: found.firstName,
    showName: found.showName,
  };
}
