import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { GameState } from '../../domain/game-states.js';
import { GameStateEnum } from './enums.js';
import { DateTimeScalar } from './scalars.js';

@ObjectType('GameEvent')
export class GameEventType {
  @Field(() => GameStateEnum, { nullable: true }) from!: GameState | null;
  @Field(() => GameStateEnum) to!: GameState;
  @Field(() => DateTimeScalar) at!: Date;
  @Field(() => String, { nullable: true }) actor!: string | null;
}

@ObjectType('Game')
export class GameType {
  @Field(() => ID) id!: number;
  // player, show, queuePosition and history are field resolvers (game.resolver.ts).
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
  @Field(() => String, { nullable: true }) souvenirUrl!: string | null;
}

@InputType('GameResultInput')
export class GameResultInput {
  @Field(() => Int) score!: number;
  @Field(() => Int) distance!: number;
  @Field(() => Int) homeruns!: number;
}
