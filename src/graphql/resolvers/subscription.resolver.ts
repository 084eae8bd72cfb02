import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { Game } from '../../db/schema.js';
import { gameUpdates, queueUpdates } from '../../live/live.service.js';
import type { QueueSnapshot } from '../../services/queue.service.js';
import type { Context } from '../context.js';
import { GameType } from '../types/game.type.js';
import { QueueType } from '../types/queue.type.js';

// Each event's root is the value the live hub loaded (once per burst, shared by all subscribers).
@Resolver()
export class SubscriptionResolver {
  @Subscription(() => QueueType, {
    description:
      'The queue of a show (the current show when showId is omitted): first the current snapshot, then one after every change.',
    subscribe: ({ args, context }) => queueUpdates((context as Context).app, args.showId),
  })
  queueChanged(
    @Root() snapshot: QueueSnapshot,
    @Arg('showId', () => ID, { nullable: true }) _showId?: string | null,
  ): QueueType {
    return snapshot as unknown as QueueType;
  }

  @Subscription(() => GameType, {
    description: 'One game: first as it is, then after every change to it.',
    subscribe: ({ args, context }) => gameUpdates((context as Context).app, args.id),
  })
  gameChanged(@Root() game: Game, @Arg('id', () => ID) _id: string): GameType {
    return game as unknown as GameType;
  }
}
