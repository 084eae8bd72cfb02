import { Field, InputType, Int } from 'type-graphql';

// The domain checks the whole table (src/domain/lighting.ts): channels 1–512, levels 0–255, names.
@InputType('LightingChannelInput')
export class LightingChannelInput {
  @Field(() => Int) channel!: number;
  @Field(() => Int) value!: number;
}

@InputType('LightingCueInput')
export class LightingCueInput {
  @Field(() => String) name!: string;
  @Field(() => [LightingChannelInput]) channels!: LightingChannelInput[];
}
