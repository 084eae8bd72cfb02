import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { loadQueue, type QueueSnapshot } from '../../services/queue.service.js';
import { resolveShowId } from '../../services/show.service.js';
import type { Context } from '../context.js';
import { QueueType } from '../types/queue.type.js';

@Resolver()
export class QueueResolver {
  @Query(() => QueueType, { description: 'The live queue of a show; showId omitted: the current show.' })
  async queue(
    @Arg('showId', () => ID, { nullable: true }) showId: string | null,
    @Ctx() ctx: Context,
  ): Promise<QueueSnapshot> {
    const id = await resolveShowId(ctx.read, showId);
    return loadQueue(ctx.read, id, { now: ctx.now(), recall: ctx.app.config.recall });
  }
}
