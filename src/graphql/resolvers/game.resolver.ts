import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { Game, Player, Show } from '../../db/schema.js';
import { parseId } from '../../domain/ids.js';
import type { Page } from '../../db/keyset.js';
import { findGames } from '../../services/game-query.service.js';
import type { Context } from '../context.js';
import { GameConnection, GameFilter } from '../types/connection.type.js';
import { GameOrder } from '../types/enums.js';
import { GameEventType, GameType } from '../types/game.type.js';
import { PlayerType } from '../types/player.type.js';
import { ShowType } from '../types/show.type.js';

@Resolver(() => GameType)
export class GameResolver {
  @Query(() => GameType, { nullable: true })
  game(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Game | null> {
    return ctx.loaders.game.load(parseId(id));
  }

  @Query(() => GameConnection, {
    description: 'Games, newest first unless orderBy says otherwise; `first` 1–100 (default 20).',
  })
  games(
    @Arg('filter', () => GameFilter, { nullable: true }) filter: GameFilter | null,
    @Arg('orderBy', () => GameOrder, { nullable: true }) orderBy: GameOrder | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<Page<Game>> {
    return findGames(ctx, { filter, orderBy, first, after });
  }

  @FieldResolver(() => PlayerType)
  async player(@Root() game: Game, @Ctx() ctx: Context): Promise<Player> {
    return (await ctx.loaders.player.load(game.playerId))!;
  }

  @FieldResolver(() => ShowType)
  async show(@Root() game: Game, @Ctx() ctx: Context): Promise<Show> {
    return (await ctx.loaders.show.load(game.showId))!;
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description: '1-based among QUEUED games of its show; null when not QUEUED',
  })
  queuePosition(@Root() game: Game, @Ctx() ctx: Context): Promise<number | null> | null {
    return game.state === 'QUEUED' ? ctx.loaders.queuePosition.load(game.id) : null;
  }

  @FieldResolver(() => [GameEventType], { description: 'Every transition, oldest first.' })
  async history(@Root() game: Game, @Ctx() ctx: Context): Promise<GameEventType[]> {
    const events = await ctx.loaders.history.load(game.id);
    return events.map((e) => ({ from: e.fromState, to: e.toState, at: e.at, actor: e.actor }) as GameEventType);
  }
}
