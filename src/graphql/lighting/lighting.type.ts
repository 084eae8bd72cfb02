import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../common/scalars.js';

@ObjectType('LightingChannel', { description: 'One DMX channel (1–512) and its level (0–255).' })
export class LightingChannelType {
  @Field(() => Int) channel!: number;
  @Field(() => Int) value!: number;
}

@ObjectType('LightingCue', { description: 'A named look of the booth: the channels it sets; the others are dark.' })
export class LightingCueType {
  @Field(() => String) name!: string;
  @Field(() => [LightingChannelType]) channels!: LightingChannelType[];
}

@ObjectType('Lighting', { description: "What a show's booth lights show." })
export class LightingType {
  @Field(() => ID) showId!: number;
  @Field(() => String, { description: 'The current cue (attract until one is set).' }) cue!: string;
  @Field(() => [LightingChannelType]) channels!: LightingChannelType[];
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the cue was set; null: never.' })
  changedAt!: Date | null;
  @Field(() => String, {
    nullable: true,
    description: "Who set it: an account's username, or 'system' when the game did.",
  })
  changedBy!: string | null;
}
