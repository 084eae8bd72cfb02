import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import { liveOf } from '../../context.js';
import { queueOf, type QueueSnapshot } from '../../services/queue.service.js';
import type { Context } from '../context.js';
import { QueueType } from './queue.type.js';

@Resolver(() => QueueType)
export class QueueResolver {
  @Query(() => QueueType, { description: 'The live queue of a show; showId omitted: the current show.' })
  queue(
    @Arg('showId', () => ID, { nullable: true }) showId: string | null,
    @Ctx() ctx: Context,
  ): Promise<QueueSnapshot> {
    return queueOf(ctx, showId);
  }

  @FieldResolver(() => ID, {
    description:
      "The show's id: one Queue per show, so a client cache (Apollo's, keyed by __typename and id) merges every queueChanged payload into the queue query by itself.",
  })
  id(@Root() snapshot: QueueSnapshot): string {
    return String(snapshot.show.id);
  }

  // Each event's root is the snapshot the live hub loaded (once per burst, shared by all subscribers).
  @Subscription(() => QueueType, {
    description:
      'The queue of a show (the current show when showId is omitted): first the current snapshot, then one after every change.',
    subscribe: ({ args, context }) => liveOf((context as Context).app).queue(args.showId),
  })
  queueChanged(
    @Root() snapshot: QueueSnapshot,
    @Arg('showId', () => ID, { nullable: true }) _showId?: string | null,
  ): QueueSnapshot {
    return snapshot;
  }
}
