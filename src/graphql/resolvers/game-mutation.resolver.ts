import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { Game } from '../../db/schema.js';
import { cancelGame, completeGame, moveGame, regenerateSouvenir } from '../../services/game.service.js';
import { MAY } from '../../domain/roles.js';
import type { Context } from '../context.js';
import { GameResultInput, GameType } from '../types/game.type.js';

@Resolver()
export class GameMutationResolver {
  @Authorized(MAY.tablet)
  @Mutation(() => GameType, { description: 'NEW or RECALLED → QUEUED (a re-queued player keeps their place).' })
  queueGame(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Game> {
    return moveGame(ctx, id, 'queue');
  }

  @Authorized(MAY.tablet)
  @Mutation(() => GameType, {
    description: 'QUEUED → RECALLED; texts the recall message to a player with a mobile number.',
  })
  recallGame(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Game> {
    return moveGame(ctx, id, 'recall');
  }

  @Authorized(MAY.tablet)
  @Mutation(() => GameType, {
    description: 'NEW, QUEUED or RECALLED → CONFIRMED; a player without a team joins the smallest.',
  })
  confirmGame(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Game> {
    return moveGame(ctx, id, 'confirm');
  }

  @Authorized(MAY.vrGame)
  @Mutation(() => GameType, { description: 'CONFIRMED → PLAYING.' })
  playGame(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Game> {
    return moveGame(ctx, id, 'play');
  }

  @Authorized(MAY.vrGame)
  @Mutation(() => GameType, {
    description: 'PLAYING → COMPLETED with the result; renders the souvenir and recalls the next players.',
  })
  completeGame(
    @Arg('id', () => ID) id: string,
    @Arg('result', () => GameResultInput) result: GameResultInput,
    @Ctx() ctx: Context,
  ): Promise<Game> {
    return completeGame(ctx, id, result);
  }

  @Authorized(MAY.cancel)
  @Mutation(() => GameType, { description: 'Any state but CANCELLED → CANCELLED; recalls the next players.' })
  cancelGame(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Game> {
    return cancelGame(ctx, id);
  }

  @Authorized(MAY.staff)
  @Mutation(() => GameType, {
    description: 'Renders the souvenir of a COMPLETED game again, without texting the player.',
  })
  regenerateSouvenir(@Arg('gameId', () => ID) gameId: string, @Ctx() ctx: Context): Promise<Game> {
    return regenerateSouvenir(ctx, gameId);
  }
}
