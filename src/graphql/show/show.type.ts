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
  @Field(() => String, { description: 'How the souvenir prints distances: "ft" or "m".' })
  distanceUnit!: string;
  @Field(() => String, {
    nullable: true,
    description: "The venue's time zone for the souvenir's date; null: the TZ setting.",
  })
  timeZone!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'The line on the souvenir such as "Presented by …"; null: none.',
  })
  sponsorLine!: string | null;
  // logoUrl is a field resolver (from the stored key).
}
