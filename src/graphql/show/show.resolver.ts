import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Show } from '../../db/schema.js';
import { MAY } from '../../domain/roles.js';
import { listShows } from '../../services/show-query.service.js';
import { createShow, currentShow, updateShow } from '../../services/show.service.js';
import type { Context } from '../context.js';
import { ShowInput } from './show.input.js';
import { ShowType } from './show.type.js';

@Resolver(() => ShowType)
export class ShowResolver {
  @Query(() => [ShowType], { description: 'Every show, newest date first.' })
  shows(@Ctx() ctx: Context): Promise<Show[]> {
    return listShows(ctx);
  }

  @Query(() => ShowType, {
    nullable: true,
    description: 'The show sign-ups go to by default: latest date, ties highest id.',
  })
  currentShow(@Ctx() ctx: Context): Promise<Show | null> {
    return currentShow(ctx.read);
  }

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
}
