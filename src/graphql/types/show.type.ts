import { MaxLength, MinLength } from 'class-validator';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { DateScalar } from './scalars.js';

@ObjectType('Show')
export class ShowType {
  @Field(() => ID) id!: number;
  @Field(() => String) name!: string;
  @Field(() => DateScalar) date!: string;
  @Field(() => String) welcomeMessage!: string;
  @Field(() => String) recallMessage!: string;
  @Field(() => String) souvenirMessage!: string;
}

@InputType('ShowInput')
export class ShowInput {
  @Field(() => String) @MinLength(1) @MaxLength(120) name!: string;
  @Field(() => DateScalar) date!: string;
  @Field(() => String) @MaxLength(160) welcomeMessage!: string;
  @Field(() => String) @MaxLength(160) recallMessage!: string;
  @Field(() => String) @MaxLength(130) souvenirMessage!: string;
}
