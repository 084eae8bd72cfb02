import type { NonEmptyArray } from 'type-graphql';
import { AccountResolver } from './account.resolver.js';
import { readResolvers } from './read.resolvers.js';
import { AdminResolver } from './admin.resolver.js';
import { GameMutationResolver } from './game-mutation.resolver.js';
import { PlayerMutationResolver } from './player-mutation.resolver.js';
import { SubscriptionResolver } from './subscription.resolver.js';
import { MessageResolver } from './message.resolver.js';

// Every resolver class of the schema; add new ones here.
export const resolvers: NonEmptyArray<Function> = [
  AccountResolver,
  GameMutationResolver,
  PlayerMutationResolver,
  AdminResolver,
  SubscriptionResolver,
  MessageResolver,
  ...readResolvers,
];
