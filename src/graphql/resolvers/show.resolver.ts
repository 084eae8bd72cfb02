import { Ctx, Query, Resolver } from 'type-graphql';
import type { Show } from '../../db/schema.js';
import { listShows } from '../../services/show-query.service.js';
import { currentShow } from '../../services/show.service.js';
import type { Context } from '../context.js';
import { ShowType } from '../types/show.type.js';

@Resolver()
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
}
