import { GameResolver } from './game.resolver.js';
import { LeaderboardResolver } from './leaderboard.resolver.js';
import { PlayerResolver } from './player.resolver.js';
import { QueueResolver } from './queue.resolver.js';
import { ShowResolver } from './show.resolver.js';
import { TeamResolver } from './team.resolver.js';

/** The queries and the field resolvers of the object types. */
export const readResolvers = [
  QueueResolver,
  GameResolver,
  PlayerResolver,
  TeamResolver,
  ShowResolver,
  LeaderboardResolver,
];
