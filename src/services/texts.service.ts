// A show's texts filled for one game: every placeholder ({firstName}, {position}, {eta}, {link},
// {url}) is filled the same way wherever a show text is used (welcome, recall, souvenir, replies,
// no-show), read on the caller's executor so a text written in a change sees that change.
import { publicBaseUrl, type Config } from '../config.js';
import type { CallContext } from '../context.js';
import type { Executor } from '../db/client.js';
import type { Game } from '../db/schema.js';
import { etaText, renderMessage } from '../domain/messages.js';
import { placeOf } from './queue.service.js';

export type TextGame = Pick<Game, 'id' | 'showId' | 'state' | 'token'>;

/** The player's status page. */
export function statusLink(config: Config, token: string): string {
  return `${publicBaseUrl(config)}/p/${token}`;
}

export async function renderForGame(
  db: Executor,
  c: CallContext,
  template: string,
  subject: { game: TextGame | null; firstName: string },
  extra: { url?: string } = {},
): Promise<string> {
  const { game } = subject;
  const uses = (name: string) => template.includes(`{${name}}`);
  const place = game && (uses('position') || uses('eta')) ? await placeOf(db, game, c.now()) : null;
  return renderMessage(template, {
    firstName: subject.firstName,
    position: place?.position ?? null,
    eta: place ? etaText(place.estimatedWaitSeconds) : null,
    link: game ? statusLink(c.app.config, game.token) : null,
    url: extra.url ?? null,
  });
}
