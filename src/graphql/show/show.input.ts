import { MaxLength, MinLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { SMS_MAX, SOUVENIR_MAX } from '../../domain/show-input.js';
import { DateScalar } from '../common/scalars.js';

// The domain checks every field again after trimming (src/domain/show-input.ts).
@InputType('ShowInput')
export class ShowInput {
  @Field(() => String) @MinLength(1) @MaxLength(120) name!: string;
  @Field(() => DateScalar) date!: string;
  @Field(() => String) @MaxLength(SMS_MAX) welcomeMessage!: string;
  @Field(() => String) @MaxLength(SMS_MAX) recallMessage!: string;
  @Field(() => String) @MaxLength(SOUVENIR_MAX) souvenirMessage!: string;
}
