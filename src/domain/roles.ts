// Who may do what. The database enum, the GraphQL enum and every resolver's role list come from here.
export const ROLES = ['ADMIN', 'STAFF', 'TABLET', 'VR_GAME'] as const;
export type Role = (typeof ROLES)[number];

/** Role lists used on operations; ADMIN may do everything. */
export const MAY = {
  tablet: ['TABLET', 'STAFF'],
  vrGame: ['VR_GAME', 'STAFF'],
  cancel: ['TABLET', 'VR_GAME', 'STAFF'],
  /** The booth's lights by hand: staff, and the VR game as the original's builds did. */
  lighting: ['STAFF', 'VR_GAME'],
  staff: ['STAFF'],
  admin: ['ADMIN'],
} as const satisfies Record<string, readonly Role[]>;

/** The accounts the booth's devices sign in with, created at start-up. */
export const DEVICE_ACCOUNTS = [
  { username: 'user', role: 'ADMIN', setting: 'admin' },
  { username: 'mlbtablet', role: 'TABLET', setting: 'tablet' },
  { username: 'mlbvrgame', role: 'VR_GAME', setting: 'vrGame' },
] as const satisfies ReadonlyArray<{ username: string; role: Role; setting: string }>;

/** The actor recorded for automatic work such as auto-recall. */
export const SYSTEM_ACTOR = 'system';

/** The actor recorded when a player acts themselves (a text, their status page). */
export const playerActor = (playerId: number) => `player:${playerId}`;
