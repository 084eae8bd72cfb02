import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Player } from '../../db/schema.js';
import { leaderboard, type LeaderboardRow } from '../../services/leaderboard.service.js';
import type { Context } from '../context.js';
import { PlayerType } from '../player/player.type.js';
import { LeaderboardArgs } from './leaderboard.input.js';
import { LeaderboardEntry } from './leaderboard.type.js';

@Resolver(() => LeaderboardEntry)
export class LeaderboardResolver {
  @Query(() => [LeaderboardEntry], {
    description:
      "Each player's best COMPLETED game (score, then home runs, then distance), optionally of one show and/or " +
      'one day (server time zone, by game creation). Standard competition rank: ties share a rank, the next skips (1, 2, 2, 4). limit 1–100, default 10.',
  })
  leaderboard(@Args(() => LeaderboardArgs) args: LeaderboardArgs, @Ctx() ctx: Context): Promise<LeaderboardRow[]> {
    return leaderboard(ctx, args);
  }

  @FieldResolver(() => PlayerType)
  async player(@Root() entry: LeaderboardRow, @Ctx() ctx: Context): Promise<Player> {
    return (await ctx.loaders.player.load(entry.playerId))!;
  }
}
