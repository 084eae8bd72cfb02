import { registerEnumType } from 'type-graphql';
import { GAME_STATES } from '../../domain/game-states.js';
import { HANDEDNESS } from '../../domain/player-input.js';
import { ROLES } from '../../domain/roles.js';

/** A GraphQL enum whose values are the domain's constants, so the two cannot drift apart. */
function enumOf<const T extends string>(values: readonly T[]): { [K in T]: K } {
  return Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
}

export const GameStateEnum = enumOf(GAME_STATES);
export const HandednessEnum = enumOf(HANDEDNESS);
export const RoleEnum = enumOf(ROLES);
export enum GameOrder {
  CREATED_ASC = 'CREATED_ASC',
  CREATED_DESC = 'CREATED_DESC',
  SCORE_DESC = 'SCORE_DESC',
  UPDATED_DESC = 'UPDATED_DESC',
}
export enum PlayerOrder {
  SCORE_DESC = 'SCORE_DESC',
  CREATED_ASC = 'CREATED_ASC',
  CREATED_DESC = 'CREATED_DESC',
  GAME_CREATED_ASC = 'GAME_CREATED_ASC',
  GAME_UPDATED_ASC = 'GAME_UPDATED_ASC',
  GAME_UPDATED_DESC = 'GAME_UPDATED_DESC',
}

registerEnumType(GameStateEnum, { name: 'GameState' });
registerEnumType(HandednessEnum, { name: 'Handedness' });
registerEnumType(RoleEnum, { name: 'Role' });
registerEnumType(GameOrder, { name: 'GameOrder' });
registerEnumType(PlayerOrder, { name: 'PlayerOrder' });
