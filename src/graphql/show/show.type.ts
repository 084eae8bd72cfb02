import { Field, ID, ObjectType } from 'type-graphql';
import { DateScalar } from '../common/scalars.js';

@ObjectType('Show')
export class ShowType {
  @Field(() => ID) id!: number;
  @Field(() => String) name!: string;
  @Field(() => DateScalar) date!: string;
  @Field(() => String) welcomeMessage!: string;
  @Field(() => String) recallMessage!: string;
  @Field(() => String) souvenirMessage!: string;
}
