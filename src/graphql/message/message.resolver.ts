import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { Message } from '../../db/schema.js';
import { MAY } from '../../domain/roles.js';
import { resendMessage } from '../../services/message.service.js';
import type { Context } from '../context.js';
import { MessageType } from './message.type.js';

// Game.messages, the messages of one game, is a field of Game (game.resolver.ts).
@Resolver(() => MessageType)
export class MessageResolver {
  @Authorized(...MAY.staff)
  @Mutation(() => MessageType, {
    description:
      "Sends a message's text again as a new message, to the player's current number. CONFLICT while the original is still queued.",
  })
  resendMessage(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Message> {
    return resendMessage(ctx, id);
  }
}
