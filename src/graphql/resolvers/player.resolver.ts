import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { Game, Player, Team } from '../../db/schema.js';
import type { Page } from '../../db/keyset.js';
import { parseId } from '../../domain/ids.js';
import { findPlayers } from '../../services/player-query.service.js';
import type { Context } from '../context.js';
import { PlayerConnection, PlayerFilter } from '../types/connection.type.js';
import { PlayerOrder } from '../types/enums.js';
import { GameType } from '../types/game.type.js';
import { PlayerType } from '../types/player.type.js';
import { TeamType } from '../types/team.type.js';

@Resolver(() => PlayerType)
export class PlayerResolver {
  @Query(() => PlayerType, { nullable: true })
  player(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Player | null> {
    return ctx.loaders.player.load(parseId(id));
  }

  @Query(() => PlayerConnection, {
    description:
      'Players, newest first unless orderBy says otherwise; state, game dates and GAME_* orders refer to the active (latest) game.',
  })
  players(
    @Arg('filter', () => PlayerFilter, { nullable: true }) filter: PlayerFilter | null,
    @Arg('orderBy', () => PlayerOrder, { nullable: true }) orderBy: PlayerOrder | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<Page<Player>> {
    return findPlayers(ctx, { filter, orderBy, first, after });
  }

  // Personal data only for signed-in accounts (the booth devices and staff), never for anonymous readers.
  @FieldResolver(() => String, { nullable: true, description: 'E.164; null for anonymous callers' })
  mobileNumber(@Root() player: Player, @Ctx() ctx: Context): string | null {
    return ctx.viewer ? player.mobileNumber : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'null for anonymous callers' })
  email(@Root() player: Player, @Ctx() ctx: Context): string | null {
    return ctx.viewer ? player.email : null;
  }

  @FieldResolver(() => TeamType, { nullable: true })
  team(@Root() player: Player, @Ctx() ctx: Context): Promise<Team | null> | null {
    return player.teamId ? ctx.loaders.team.load(player.teamId) : null;
  }

  @FieldResolver(() => GameType, { nullable: true, description: 'The latest game of the player.' })
  activeGame(@Root() player: Player, @Ctx() ctx: Context): Promise<Game | null> {
    return ctx.loaders.activeGame.load(player.id);
  }

  @FieldResolver(() => [GameType], { description: 'Every game of the player, oldest first.' })
  games(@Root() player: Player, @Ctx() ctx: Context): Promise<Game[]> {
    return ctx.loaders.gamesByPlayer.load(player.id);
  }
}
