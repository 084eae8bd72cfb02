import { registerEnumType } from 'type-graphql';

/**
 * Registers the GraphQL enum `name` whose values are the domain's constants (named in upper case),
 * so the two cannot drift apart.
 */
export function domainEnum<const T extends string>(
  name: string,
  values: readonly T[],
  description?: string,
): { [K in T as Uppercase<K>]: K } {
  const graphqlEnum = Object.fromEntries(values.map((v) => [v.toUpperCase(), v])) as { [K in T as Uppercase<K>]: K };
  registerEnumType(graphqlEnum, { name, description });
  return graphqlEnum;
}
