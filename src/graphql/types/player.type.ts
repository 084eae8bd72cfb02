import { Field, ID, InputType, ObjectType } from 'type-graphql';
import type { Handedness } from '../../domain/player-input.js';
import { HandednessEnum } from './enums.js';
import { DateTimeScalar } from './scalars.js';

@ObjectType('Player')
export class PlayerType {
  @Field(() => ID) id!: number;
  @Field(() => String) firstName!: string;
  @Field(() => String, { nullable: true }) lastName!: string | null;
  // mobileNumber, email, team, activeGame and games are field resolvers (player.resolver.ts).
  @Field(() => HandednessEnum) handedness!: Handedness;
  @Field(() => Boolean) signedWaiver!: boolean;
  @Field(() => Boolean) isFinalist!: boolean;
  @Field(() => String, { nullable: true }) profileId!: string | null;
  @Field(() => String, { nullable: true }) photoUrl!: string | null;
  @Field(() => DateTimeScalar) createdAt!: Date;
}

// Field rules (lengths, E.164, e-mail, team by name) live in src/domain/player-input.ts,
// so that one function validates every field and reports them all at once.
@InputType('SignUpInput')
export class SignUpInput {
  @Field(() => String) firstName!: string;
  @Field(() => String, { nullable: true }) lastName?: string | null;
  @Field(() => String, { nullable: true }) mobileNumber?: string | null;
  @Field(() => String, { nullable: true }) email?: string | null;
  @Field(() => String, { nullable: true }) team?: string | null;
  @Field(() => HandednessEnum) handedness!: Handedness;
  @Field(() => Boolean, { nullable: true }) signedWaiver?: boolean | null;
  @Field(() => Boolean, { nullable: true }) isFinalist?: boolean | null;
  @Field(() => String, { nullable: true }) profileId?: string | null;
  @Field(() => ID, { nullable: true }) showId?: string | null;
}

@InputType('UpdatePlayerInput')
export class UpdatePlayerInput {
  @Field(() => String, { nullable: true }) firstName?: string | null;
  @Field(() => String, { nullable: true }) lastName?: string | null;
  @Field(() => String, { nullable: true }) mobileNumber?: string | null;
  @Field(() => String, { nullable: true }) email?: string | null;
  @Field(() => String, { nullable: true }) team?: string | null;
  @Field(() => HandednessEnum, { nullable: true }) handedness?: Handedness | null;
  @Field(() => Boolean, { nullable: true }) signedWaiver?: boolean | null;
  @Field(() => Boolean, { nullable: true }) isFinalist?: boolean | null;
  @Field(() => String, { nullable: true }) profileId?: string | null;
}
