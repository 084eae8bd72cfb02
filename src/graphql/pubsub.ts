import { createPubSub } from '@graphql-yoga/subscription';

/** In-process fan-out; src/live feeds it from Postgres NOTIFY so every API process hears every change. */
export const pubSub = createPubSub();
