import { Field, Int, ObjectType } from 'type-graphql';
import type { GameState } from '../../domain/game-states.js';
import type { CancelReason } from '../../domain/no-show.js';
import { DateTimeScalar } from '../common/scalars.js';
import { CancelReasonEnum, GameStateEnum } from '../game/game.type.js';

@ObjectType('PlayerStatus', {
  description:
    "What a player's status page shows of their own game, found by its link's token: no other player's data, no number.",
})
export class PlayerStatusType {
  @Field(() => String) firstName!: string;
  @Field(() => String) showName!: string;
  @Field(() => GameStateEnum) state!: GameState;
  @Field(() => Int, {
    nullable: true,
    description: '1-based place among the waiting; for a NEW game the place it would take if queued now.',
  })
  position!: number | null;
  @Field(() => Int, { nullable: true }) estimatedWaitSeconds!: number | null;
  @Field(() => DateTimeScalar, { nullable: true }) recalledAt!: Date | null;
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'A RECALLED player not confirmed by then is cancelled as a no-show.',
  })
  respondBy!: Date | null;
  @Field(() => CancelReasonEnum, { nullable: true }) cancelReason!: CancelReason | null;
}
