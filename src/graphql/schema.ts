import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { createPubSub } from '@graphql-yoga/subscription';
import { authChecker } from './auth.js';
import { resolvers } from './resolvers.js';

let built: Promise<GraphQLSchema> | undefined;

/** The schema is the same for every server in the process; build it once. */
export function getSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers,
    authChecker,
    authMode: 'error',
    // type-graphql refuses subscriptions without a PubSub. Nothing publishes on it: every subscription
    // has its own `subscribe`, fed by the live hub (src/live).
    pubSub: createPubSub(),
    validate: { forbidUnknownValues: false },
  });
  return built;
}

export async function printSdl(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await getSchema()))}\n`;
}

export async function emitSchemaFile(file: string): Promise<void> {
  await writeFile(file, await printSdl());
}
