import { createPubSub } from '@graphql-yoga/subscription';

/**
 * type-graphql refuses to build a schema with subscriptions but no PubSub. Ours never publish on it:
 * every subscription has its own `subscribe` fed by the live hub (src/live), one per process.
 */
export const pubSub = createPubSub();
