import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { Game, Player } from '../../db/schema.js';
import { signUp, startGame, updatePlayer } from '../../services/player.service.js';
import { MAY } from '../../domain/roles.js';
import type { Context } from '../context.js';
import { GameType } from '../types/game.type.js';
import { PlayerType, SignUpInput, UpdatePlayerInput } from '../types/player.type.js';

@Resolver()
export class PlayerMutationResolver {
  @Authorized(MAY.tablet)
  @Mutation(() => PlayerType, {
    description: 'Creates the player and their first (NEW) game for the show, or the current show.',
  })
  signUp(@Arg('input', () => SignUpInput) input: SignUpInput, @Ctx() ctx: Context): Promise<Player> {
    return signUp(ctx, input);
  }

  @Authorized(MAY.tablet)
  @Mutation(() => PlayerType, { description: 'Changes the given fields; null or blank clears an optional one.' })
  updatePlayer(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdatePlayerInput) input: UpdatePlayerInput,
    @Ctx() ctx: Context,
  ): Promise<Player> {
    return updatePlayer(ctx, id, input);
  }

  @Authorized(MAY.tablet)
  @Mutation(() => GameType, {
    description: 'A new game for a returning player whose last game is COMPLETED or CANCELLED.',
  })
  startGame(
    @Arg('playerId', () => ID) playerId: string,
    @Arg('showId', () => ID, { nullable: true }) showId: string | null | undefined,
    @Ctx() ctx: Context,
  ): Promise<Game> {
    return startGame(ctx, playerId, showId);
  }
}
