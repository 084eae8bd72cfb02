import type { NonEmptyArray } from 'type-graphql';
import { AccountResolver } from './account.resolver.js';

// Every resolver class of the schema; add new ones here.
export const resolvers: NonEmptyArray<Function> = [AccountResolver];
