import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../common/scalars.js';

@ObjectType('Show')
export class ShowType {
  @Field(() => ID) id!: number;
  @Field(() => String) name!: string;
  @Field(() => DateScalar) date!: string;
  @Field(() => String) welcomeMessage!: string;
  @Field(() => String) recallMessage!: string;
  @Field(() => String) souvenirMessage!: string;
  // helpMessage, leaveMessage, lateMessage and noShowMessage are field resolvers (the default when unset).
  @Field(() => Int, { description: 'Minutes a game typically takes, for wait estimates before games complete.' })
  typicalGameMinutes!: number;
  @Field(() => Int, { nullable: true, description: 'No-show minutes of this show; null: the NO_SHOW_MINUTES setting.' })
  noShowMinutes!: number | null;
}
