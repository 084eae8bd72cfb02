import type { NonEmptyArray } from 'type-graphql';
import { AccountResolver } from './account/account.resolver.js';
import { DeliveryResolver } from './delivery/delivery.resolver.js';
import { GameResolver } from './game/game.resolver.js';
import { LightingResolver } from './lighting/lighting.resolver.js';
import { LeaderboardResolver } from './leaderboard/leaderboard.resolver.js';
import { MessageResolver } from './message/message.resolver.js';
import { PlayerResolver } from './player/player.resolver.js';
import { QueueResolver } from './queue/queue.resolver.js';
import { ReportResolver } from './report/report.resolver.js';
import { ShowResolver } from './show/show.resolver.js';
import { PlayerStatusResolver } from './status/status.resolver.js';
import { TeamResolver } from './team/team.resolver.js';

// One resolver per entity folder; a new entity adds its own here.
export const resolvers: NonEmptyArray<Function> = [
  AccountResolver,
  DeliveryResolver,
  GameResolver,
  LeaderboardResolver,
  LightingResolver,
  MessageResolver,
  PlayerResolver,
  PlayerStatusResolver,
  QueueResolver,
  ReportResolver,
  ShowResolver,
  TeamResolver,
];
