import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { Show, Team } from '../../db/schema.js';
import { createShow, updateShow } from '../../services/show.service.js';
import { createTeam } from '../../services/team.service.js';
import { MAY } from '../../domain/roles.js';
import type { Context } from '../context.js';
import { ShowInput, ShowType } from '../types/show.type.js';
import { TeamType } from '../types/team.type.js';

@Resolver()
export class AdminResolver {
  @Authorized(MAY.admin)
  @Mutation(() => ShowType)
  createShow(@Arg('input', () => ShowInput) input: ShowInput, @Ctx() ctx: Context): Promise<Show> {
    return createShow(ctx, input);
  }

  @Authorized(MAY.admin)
  @Mutation(() => ShowType)
  updateShow(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => ShowInput) input: ShowInput,
    @Ctx() ctx: Context,
  ): Promise<Show> {
    return updateShow(ctx, id, input);
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
}
