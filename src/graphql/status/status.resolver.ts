import { Arg, Ctx, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { liveOf } from '../../context.js';
import type { Game } from '../../db/schema.js';
import {
  gameByToken,
  leaveByToken,
  statusByToken,
  statusOf,
  UnknownTokenError,
  type PlayerStatusView,
} from '../../services/player-status.service.js';
import type { Context } from '../context.js';
import { PlayerStatusType } from './status.type.js';

// Anonymous by design: the token in the player's link is the only key, and it opens one game.
@Resolver(() => PlayerStatusType)
export class PlayerStatusResolver {
  @Query(() => PlayerStatusType, { nullable: true, description: 'The status of the game whose link holds `token`.' })
  playerStatus(@Arg('token', () => String) token: string, @Ctx() ctx: Context): Promise<PlayerStatusView | null> {
    return statusByToken(ctx, token);
  }

  @Mutation(() => PlayerStatusType, {
    description: 'The player leaves the line from their status page: the game is cancelled (PLAYER_LEFT).',
  })
  leaveQueue(@Arg('token', () => String) token: string, @Ctx() ctx: Context): Promise<PlayerStatusView> {
    return leaveByToken(ctx, token);
  }

  // Each event's root is the game the live hub loaded; its public view is built once per execution.
  @Subscription(() => PlayerStatusType, {
    description: 'The status of the game whose link holds `token`: first as it is, then after every change.',
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const game = await gameByToken(ctx.app.database.db, String(args.token));
      if (!game) throw new UnknownTokenError();
      return liveOf(ctx.app).game(game.id);
    },
  })
  playerStatusChanged(
    @Root() game: Game,
    @Arg('token', () => String) _token: string,
    @Ctx() ctx: Context,
  ): Promise<PlayerStatusView> {
    return statusOf(ctx, ctx.app.database.db, game);
  }
}
