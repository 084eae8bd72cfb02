import DataLoader from 'dataloader';
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { Game, Message } from '../../db/schema.js';
import { messagesOfGames, resendMessage } from '../../services/message.service.js';
import { writerFor } from '../../services/writer.js';
import { MAY } from '../../domain/roles.js';
import type { Context } from '../context.js';
import { GameType } from '../types/game.type.js';
import { MessageType } from '../types/message.type.js';

// One query per operation for every game's messages, however many games are selected.
const loaders = new WeakMap<Context, DataLoader<number, Message[]>>();
function messagesLoader(ctx: Context): DataLoader<number, Message[]> {
  let loader = loaders.get(ctx);
  if (!loader) loaders.set(ctx, (loader = new DataLoader((ids: readonly number[]) => messagesOfGames(ctx.read, ids))));
  return loader;
}

@Resolver(() => GameType)
export class MessageResolver {
  @Authorized(...MAY.staff)
  @FieldResolver(() => [MessageType], {
    description:
      'SMS messages about this game, oldest first. STAFF and ADMIN only: others get FORBIDDEN (UNAUTHENTICATED when signed out), since messages hold phone numbers.',
  })
  messages(@Root() game: Game, @Ctx() ctx: Context): Promise<Message[]> {
    return messagesLoader(ctx).load(game.id);
  }

  @Authorized(...MAY.staff)
  @Mutation(() => MessageType, {
    description:
      "Sends a message's text again as a new message, to the player's current number. CONFLICT while the original is still queued.",
  })
  resendMessage(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Message> {
    return resendMessage(writerFor(ctx.deps, ctx.viewer?.username), id);
  }
}
