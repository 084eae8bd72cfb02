import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType('LeaderboardEntry')
export class LeaderboardEntry {
  @Field(() => Int) rank!: number;
  // player is a field resolver (leaderboard.resolver.ts).
  @Field(() => Int) score!: number;
  @Field(() => Int) distance!: number;
  @Field(() => Int) homeruns!: number;
}
