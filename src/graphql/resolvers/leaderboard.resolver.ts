import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import type { Player } from '../../db/schema.js';
import { leaderboard, type LeaderboardRow } from '../../services/leaderboard.service.js';
import type { Context } from '../context.js';
import { LeaderboardEntry } from '../types/connection.type.js';
import { DateScalar } from '../types/scalars.js';

@Resolver()
export class LeaderboardResolver {
  @Query(() => [LeaderboardEntry], {
    description:
      "Each player's best COMPLETED game (score, then home runs, then distance), optionally of one show and/or " +
      'one day (server time zone, by game creation). Standard competition rank: ties share a rank, the next skips (1, 2, 2, 4). limit 1–100, default 10.',
  })
  async leaderboard(
    @Arg('showId', () => ID, { nullable: true }) showId: string | null,
    @Arg('date', () => DateScalar, { nullable: true }) date: string | null,
    @Arg('limit', () => Int, { nullable: true }) limit: number | null,
    @Ctx() ctx: Context,
  ): Promise<Array<LeaderboardRow & { player: Player }>> {
    const rows = await leaderboard(ctx, { showId, date, limit });
    const players = await ctx.loaders.player.loadMany(rows.map((r) => r.playerId));
    return rows.map((r, i) => ({ ...r, player: players[i] as Player }));
  }
}
