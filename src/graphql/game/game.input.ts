import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import type { GameState } from '../../domain/game-states.js';
import { GAME_ORDERS, type GameOrderName } from '../../services/game-query.service.js';
import { ConnectionArgs } from '../common/connection.js';
import { domainEnum } from '../common/enums.js';
import { DateScalar } from '../common/scalars.js';
import { GameStateEnum } from './game.type.js';

export const GameOrder = domainEnum('GameOrder', GAME_ORDERS);

@InputType('GameResultInput')
export class GameResultInput {
  @Field(() => Int) score!: number;
  @Field(() => Int) distance!: number;
  @Field(() => Int) homeruns!: number;
}

@InputType('GameFilter')
export class GameFilter {
  @Field(() => GameStateEnum, { nullable: true }) state?: GameState | null;
  @Field(() => ID, { nullable: true }) showId?: string | null;
  @Field(() => String, { nullable: true }) team?: string | null;
  @Field(() => DateScalar, { nullable: true }) createdOn?: string | null;
  @Field(() => DateScalar, { nullable: true }) updatedOn?: string | null;
}

@ArgsType()
export class GamesArgs extends ConnectionArgs {
  @Field(() => GameFilter, { nullable: true }) filter?: GameFilter | null;
  @Field(() => GameOrder, { nullable: true }) orderBy?: GameOrderName | null;
}
