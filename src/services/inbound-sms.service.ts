// Texts players send us (Twilio's messaging webhook): stored once per MessageSid, matched to the
// sender's game, acted on by keyword, and answered with at most one reply, also stored. A text
// Twilio posts again (a retry) changes nothing and gets the reply it got the first time.
import { and, desc, eq, notInArray } from 'drizzle-orm';
import { inTransaction, withExecutor, type CallContext } from '../context.js';
import type { Tx } from '../db/client.js';
import { games, messages, players, shows, type Game, type Show } from '../db/schema.js';
import { FINISHED_STATES } from '../domain/game-states.js';
import { DEFAULT_TEXTS, FIXED_REPLIES } from '../domain/messages.js';
import { playerActor } from '../domain/roles.js';
import { smsCommand, type SmsCommand } from '../domain/sms-keywords.js';
import { cancelGame, moveGame } from './game.service.js';
import { liftOptOut, recordOptOut } from './opt-out.service.js';
import { currentShow } from './show.service.js';
import { renderForGame } from './texts.service.js';

export interface InboundSms {
  from: string;
  to: string;
  body: string;
  /** Twilio's MessageSid: a text posted twice is handled once. */
  sid: string;
}

export interface InboundOutcome {
  command: SmsCommand;
  /** The reply to send back (TwiML), or null for none (STOP: the carrier answers it). */
  reply: string | null;
  duplicate: boolean;
  gameId: number | null;
}

interface Sender {
  playerId: number;
  firstName: string;
  game: Game;
  show: Show;
}

/** The newest player with this number who has an active game (several players may share a number). */
async function senderOf(tx: Tx, from: string): Promise<Sender | null> {
  const [row] = await tx
    .select({ playerId: players.id, firstName: players.firstName, game: games, show: shows })
    .from(games)
    .innerJoin(players, eq(players.id, games.playerId))
    .innerJoin(shows, eq(shows.id, games.showId))
    .where(and(eq(players.mobileNumber, from), notInArray(games.state, [...FINISHED_STATES])))
    .orderBy(desc(players.id), desc(games.id))
    .limit(1);
  return row ?? null;
}

export async function receiveSms(c: CallContext, sms: InboundSms): Promise<InboundOutcome> {
  const command = smsCommand(sms.body);
  return inTransaction(c, async (tx) => {
    const sender = await senderOf(tx, sms.from);
    const now = c.now();
    const [stored] = await tx
      .insert(messages)
      .values({
        kind: 'inbound',
        direction: 'inbound',
        dedupeKey: `inbound:${sms.sid}`,
        playerId: sender?.playerId ?? null,
        gameId: sender?.game.id ?? null,
        from: sms.from,
        to: sms.to,
        body: sms.body,
        status: 'delivered',
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({ target: messages.dedupeKey })
      .returning({ id: messages.id });
    if (!stored) {
      const [earlier] = await tx
        .select({ body: messages.body, gameId: messages.gameId })
        .from(messages)
        .where(eq(messages.dedupeKey, `reply:${sms.sid}`));
      c.log.info({ sid: sms.sid }, 'inbound sms seen before: answered as the first time, nothing changed');
      return { command, reply: earlier?.body ?? null, duplicate: true, gameId: earlier?.gameId ?? null };
    }

    const reply = await act(tx, c, command, sms.from, sender, now);
    if (reply !== null) {
      await tx.insert(messages).values({
        kind: 'reply',
        dedupeKey: `reply:${sms.sid}`,
        playerId: sender?.playerId ?? null,
        gameId: sender?.game.id ?? null,
        to: sms.from,
        body: reply,
        // Sent as the webhook's answer (TwiML): Twilio delivers it, no job is needed.
        status: 'sent',
        createdAt: now,
        updatedAt: now,
      });
    }
    c.log.info({ command, gameId: sender?.game.id ?? null, replied: reply !== null }, 'inbound sms handled');
    return { command, reply, duplicate: false, gameId: sender?.game.id ?? null };
  });
}

/** Does what the text asks and returns the reply, or null for none. */
async function act(
  tx: Tx,
  c: CallContext,
  command: SmsCommand,
  from: string,
  sender: Sender | null,
  now: Date,
): Promise<string | null> {
  const say = (template: string, game: Game | null = sender?.game ?? null) =>
    renderForGame(tx, c, template, { game, firstName: sender?.firstName ?? '' });

  if (command === 'optOut') {
    await recordOptOut(tx, from, 'STOP', now);
    return null;
  }
  if (command === 'optIn') {
    await liftOptOut(tx, from);
    return say(FIXED_REPLIES.optIn);
  }
  if (command === 'help') {
    const show = sender?.show ?? (await currentShow(tx));
    return say(show?.helpMessage ?? DEFAULT_TEXTS.help);
  }
  if (!sender) return FIXED_REPLIES.noPlayer;

  // The player's own move, nested in this transaction: the text and its effect commit together.
  const asPlayer = withExecutor({ ...c, actor: playerActor(sender.playerId) }, tx);
  if (command === 'leave') {
    const game = await cancelGame(asPlayer, sender.game.id, 'PLAYER_LEFT');
    return say(sender.show.leaveMessage ?? DEFAULT_TEXTS.leave, game);
  }
  if (command === 'late') {
    if (sender.game.state === 'RECALLED') {
      const game = await moveGame(asPlayer, sender.game.id, 'queue');
      return say(sender.show.lateMessage ?? DEFAULT_TEXTS.late, game);
    }
    return say(sender.game.state === 'QUEUED' ? FIXED_REPLIES.lateNotRecalled : FIXED_REPLIES.lateNotWaiting);
  }
  return say(FIXED_REPLIES.menu);
}
