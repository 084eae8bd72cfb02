import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../common/scalars.js';

@ObjectType('TeamDayScore')
export class TeamDayScore {
  @Field(() => DateScalar) day!: string;
  @Field(() => Int) score!: number;
  @Field(() => Int) distance!: number;
  @Field(() => Int) homeruns!: number;
  @Field(() => Int) games!: number;
}

@ObjectType('Team')
export class TeamType {
  @Field(() => ID) id!: number;
  @Field(() => String) name!: string;
  @Field(() => String) color!: string;
  // memberCount and scores are field resolvers (team.resolver.ts).
}
