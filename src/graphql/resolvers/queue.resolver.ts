import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { queueOf, type QueueSnapshot } from '../../services/queue.service.js';
import type { Context } from '../context.js';
import { QueueType } from '../types/queue.type.js';

@Resolver()
export class QueueResolver {
  @Query(() => QueueType, { description: 'The live queue of a show; showId omitted: the current show.' })
  queue(
    @Arg('showId', () => ID, { nullable: true }) showId: string | null,
    @Ctx() ctx: Context,
  ): Promise<QueueSnapshot> {
    return queueOf(ctx, showId);
  }
}
