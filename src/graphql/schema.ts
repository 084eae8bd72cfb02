import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { authChecker } from './auth-checker.js';
import { resolvers } from './resolvers/index.js';
import { pubSub } from './pubsub.js';

let built: Promise<GraphQLSchema> | undefined;

/** The schema is the same for every server in the process; build it once. */
export function getSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers,
    authChecker,
    authMode: 'error',
    pubSub,
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
