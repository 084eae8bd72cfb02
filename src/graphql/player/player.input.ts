import { ArgsType, Field, ID, InputType } from 'type-graphql';
import type { GameState } from '../../domain/game-states.js';
import type { Handedness } from '../../domain/player-input.js';
import { PLAYER_ORDERS, type PlayerOrderName } from '../../services/player-query.service.js';
import { ConnectionArgs } from '../common/connection.js';
import { domainEnum } from '../common/enums.js';
import { DateScalar } from '../common/scalars.js';
import { GameStateEnum } from '../game/game.type.js';
import { HandednessEnum } from './player.type.js';

export const PlayerOrder = domainEnum('PlayerOrder', PLAYER_ORDERS);

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

@InputType('PlayerFilter')
export class PlayerFilter {
  @Field(() => String, { nullable: true, description: 'Part of the first or last name (or "First Last"), any case.' })
  name?: string | null;
  @Field(() => GameStateEnum, { nullable: true }) state?: GameState | null;
  @Field(() => String, { nullable: true }) team?: string | null;
  @Field(() => HandednessEnum, { nullable: true }) handedness?: Handedness | null;
  @Field(() => Boolean, { nullable: true }) signedWaiver?: boolean | null;
  @Field(() => Boolean, { nullable: true }) isFinalist?: boolean | null;
  @Field(() => DateScalar, { nullable: true }) gameCreatedOn?: string | null;
  @Field(() => DateScalar, { nullable: true }) gameUpdatedOn?: string | null;
}

@ArgsType()
export class PlayersArgs extends ConnectionArgs {
  @Field(() => PlayerFilter, { nullable: true }) filter?: PlayerFilter | null;
  @Field(() => PlayerOrder, { nullable: true }) orderBy?: PlayerOrderName | null;
}
