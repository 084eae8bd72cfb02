import { Field, Int, ObjectType } from 'type-graphql';
import { GameType } from '../game/game.type.js';
import { ShowType } from '../show/show.type.js';

@ObjectType('QueueEntry')
export class QueueEntry {
  @Field(() => Int) position!: number;
  @Field(() => GameType) game!: GameType;
  @Field(() => Int, { nullable: true }) estimatedWaitSeconds!: number | null;
}

@ObjectType('Queue')
export class QueueType {
  @Field(() => ShowType) show!: ShowType;
  @Field(() => Int, { description: "grows with every change to this show's games" }) version!: number;
  @Field(() => [GameType]) playing!: GameType[];
  @Field(() => [GameType]) confirmed!: GameType[];
  @Field(() => [GameType]) recalled!: GameType[];
  @Field(() => [QueueEntry]) waiting!: QueueEntry[];
  @Field(() => Int) activeRecalls!: number;
  @Field(() => Int) recallWindowSize!: number;
}
