import { ArgsType, Field, ID, Int } from 'type-graphql';
import { DateScalar } from '../common/scalars.js';

@ArgsType()
export class LeaderboardArgs {
  @Field(() => ID, { nullable: true }) showId?: string | null;
  @Field(() => DateScalar, { nullable: true }) date?: string | null;
  @Field(() => Int, { nullable: true }) limit?: number | null;
}
