import { Field, ID, Int, ObjectType } from 'type-graphql';
import { GAME_STATES, type GameState } from '../../domain/game-states.js';
import { CANCEL_REASONS, type CancelReason } from '../../domain/no-show.js';
import { Connection } from '../common/connection.js';
import { domainEnum } from '../common/enums.js';
import { DateTimeScalar } from '../common/scalars.js';

export const GameStateEnum = domainEnum('GameState', GAME_STATES);
export const CancelReasonEnum = domainEnum(
  'CancelReason',
  CANCEL_REASONS,
  'Why the server cancelled a game: NO_SHOW (recalled, not confirmed in time) or PLAYER_LEFT (by text or status page).',
);

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
  @Field(() => CancelReasonEnum, {
    nullable: true,
    description: 'Why the server cancelled it; null when staff or a device did, or when not cancelled.',
  })
  cancelReason!: CancelReason | null;
}

export const GameConnection = Connection('Game', GameType);
