import { Field, ID, ObjectType } from 'type-graphql';
import { HANDEDNESS, type Handedness } from '../../domain/player-input.js';
import { Connection } from '../common/connection.js';
import { domainEnum } from '../common/enums.js';
import { DateTimeScalar } from '../common/scalars.js';

export const HandednessEnum = domainEnum('Handedness', HANDEDNESS);

@ObjectType('Player')
export class PlayerType {
  @Field(() => ID) id!: number;
  @Field(() => String) firstName!: string;
  // lastName, profileId, photoUrl, mobileNumber, email, team, activeGame and games are field
  // resolvers (player.resolver.ts).
  @Field(() => HandednessEnum) handedness!: Handedness;
  @Field(() => Boolean) signedWaiver!: boolean;
  @Field(() => Boolean) isFinalist!: boolean;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the player was erased; null otherwise.' })
  erasedAt!: Date | null;
}

export const PlayerConnection = Connection('Player', PlayerType);
