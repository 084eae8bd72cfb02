import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { Game, Message } from '../../db/schema.js';
import { resendMessage } from '../../services/message.service.js';
import { MAY } from '../../domain/roles.js';
import type { Context } from '../context.js';
import { GameType } from '../types/game.type.js';
import { MessageType } from '../types/message.type.js';

@Resolver(() => GameType)
export class MessageResolver {
  @Authorized(...MAY.staff)
  @FieldResolver(() => [MessageType], {
    description:
      'SMS messages about this game, oldest first. STAFF and ADMIN only: others get FORBIDDEN (UNAUTHENTICATED when signed out), since messages hold phone numbers.',
  })
  messages(@Root() game: Game, @Ctx() ctx: Context): Promise<Message[]> {
    return ctx.loaders.messages.load(game.id);
  }

  @Authorized(...MAY.staff)
  @Mutation(() => MessageType, {
    description:
      "Sends a message's text again as a new message, to the player's current number. CONFLICT while the original is still queued.",
  })
  resendMessage(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Message> {
    return resendMessage(ctx, id);
  }
}
