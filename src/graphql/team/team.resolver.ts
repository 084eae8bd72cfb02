import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Team } from '../../db/schema.js';
import { parseId } from '../../domain/ids.js';
import { MAY } from '../../domain/roles.js';
import { listTeams } from '../../services/team-query.service.js';
import type { TeamDayScore as DayScore } from '../../services/team-score.service.js';
import { createTeam } from '../../services/team.service.js';
import type { Context } from '../context.js';
import { TeamDayScore, TeamType } from './team.type.js';

@Resolver(() => TeamType)
export class TeamResolver {
  @Query(() => [TeamType], { description: 'Every team, by name.' })
  teams(@Ctx() ctx: Context): Promise<Team[]> {
    return listTeams(ctx);
  }

  @Query(() => TeamType, { nullable: true })
  team(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Team | null> {
    return ctx.loaders.team.load(parseId(id));
  }

  @Authorized(MAY.admin)
  @Mutation(() => TeamType)
  createTeam(
    @Arg('name', () => String) name: string,
    @Arg('color', () => String) color: string,
    @Ctx() ctx: Context,
  ): Promise<Team> {
    return createTeam(ctx, { name, color });
  }

  @FieldResolver(() => Int)
  memberCount(@Root() team: Team, @Ctx() ctx: Context): Promise<number> {
    return ctx.loaders.memberCount.load(team.id);
  }

  @FieldResolver(() => [TeamDayScore], {
    description:
      "Per calendar day (server time zone) of game creation, over the team's COMPLETED games; oldest day first.",
  })
  scores(@Root() team: Team, @Ctx() ctx: Context): Promise<DayScore[]> {
    return ctx.loaders.teamScores.load({ teamId: team.id, timeZone: ctx.app.config.timeZone });
  }
}
