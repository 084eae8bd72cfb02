import { registerEnumType } from 'type-graphql';

export enum GameStateEnum {
  NEW = 'NEW',
  QUEUED = 'QUEUED',
  RECALLED = 'RECALLED',
  CONFIRMED = 'CONFIRMED',
  PLAYING = 'PLAYING',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
}
export enum HandednessEnum {
  LEFT = 'LEFT',
  RIGHT = 'RIGHT',
}
export enum RoleEnum {
  ADMIN = 'ADMIN',
  STAFF = 'STAFF',
  TABLET = 'TABLET',
  VR_GAME = 'VR_GAME',
}
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
