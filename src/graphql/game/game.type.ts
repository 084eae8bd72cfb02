import { Field, ID, Int, ObjectType } from 'type-graphql';
import { GAME_STATES, type GameState } from '../../domain/game-states.js';
import { Connection } from '../common/connection.js';
import { domainEnum } from '../common/enums.js';
import { DateTimeScalar } from '../common/scalars.js';

export const GameStateEnum = domainEnum('GameState', GAME_STATES);

@ObjectType('GameResult')
export class GameResultType {
  @Field(() => Int) score!: number;
  @Field(() => Int) distance!: number;
  @Field(() => Int) homeruns!: number;
}

@ObjectType('ResultCorrection')
export class ResultCorrectionType {
  @Field(() => GameResultType) before!: GameResultType;
  @Field(() => GameResultType) after!: GameResultType;
}

@ObjectType('GameEvent')
export class GameEventType {
  @Field(() => GameStateEnum, { nullable: true }) from!: GameState | null;
  @Field(() => GameStateEnum) to!: GameState;
  @Field(() => DateTimeScalar) at!: Date;
  @Field(() => String, { nullable: true }) actor!: string | null;
  @Field(() => ResultCorrectionType, {
    nullable: true,
    description: 'On a correction of the result (COMPLETED → COMPLETED): the result before and after.',
  })
  correction!: ResultCorrectionType | null;
}

@ObjectType('Game')
export class GameType {
  @Field(() => ID) id!: number;
  // player, show, queuePosition, history, messages and souvenirUrl are field resolvers (game.resolver.ts).
  @Field(() => GameStateEnum) state!: GameState;
  @Field(() => Int) score!: number;
  @Field(() => Int) distance!: number;
  @Field(() => Int) homeruns!: number;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => DateTimeScalar) updatedAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) queuedAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) recalledAt!: Date | null;
  @Field(() => Int) recallCount!: number;
  @Field(() => DateTimeScalar, { nullable: true }) confirmedAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) playingAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) completedAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) cancelledAt!: Date | null;
}

export const GameConnection = Connection('Game', GameType);
