import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { Handedness } from '../../domain/player-input.js';
import type { GameState } from '../../domain/game-states.js';
import { GameStateEnum, HandednessEnum } from './enums.js';
import { GameType } from './game.type.js';
import { PlayerType } from './player.type.js';
import { DateScalar } from './scalars.js';

@ObjectType('PageInfo')
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@ObjectType('GameEdge')
export class GameEdge {
  @Field(() => String) cursor!: string;
  @Field(() => GameType) node!: GameType;
}

@ObjectType('GameConnection')
export class GameConnection {
  @Field(() => [GameEdge]) edges!: GameEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

@ObjectType('PlayerEdge')
export class PlayerEdge {
  @Field(() => String) cursor!: string;
  @Field(() => PlayerType) node!: PlayerType;
}

@ObjectType('PlayerConnection')
export class PlayerConnection {
  @Field(() => [PlayerEdge]) edges!: PlayerEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

@InputType('GameFilter')
export class GameFilter {
  @Field(() => GameStateEnum, { nullable: true }) state?: GameState | null;
  @Field(() => ID, { nullable: true }) showId?: string | null;
  @Field(() => String, { nullable: true }) team?: string | null;
  @Field(() => DateScalar, { nullable: true }) createdOn?: string | null;
  @Field(() => DateScalar, { nullable: true }) updatedOn?: string | null;
}

@InputType('PlayerFilter')
export class PlayerFilter {
  @Field(() => GameStateEnum, { nullable: true }) state?: GameState | null;
  @Field(() => String, { nullable: true }) team?: string | null;
  @Field(() => HandednessEnum, { nullable: true }) handedness?: Handedness | null;
  @Field(() => Boolean, { nullable: true }) signedWaiver?: boolean | null;
  @Field(() => Boolean, { nullable: true }) isFinalist?: boolean | null;
  @Field(() => DateScalar, { nullable: true }) gameCreatedOn?: string | null;
  @Field(() => DateScalar, { nullable: true }) gameUpdatedOn?: string | null;
}

@ObjectType('LeaderboardEntry')
export class LeaderboardEntry {
  @Field(() => Int) rank!: number;
  @Field(() => PlayerType) player!: PlayerType;
  @Field(() => Int) score!: number;
  @Field(() => Int) distance!: number;
  @Field(() => Int) homeruns!: number;
}
