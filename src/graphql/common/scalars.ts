import { DateResolver, DateTimeResolver } from 'graphql-scalars';
import { GraphQLScalarType } from 'graphql';

export const DateTimeScalar = new GraphQLScalarType({ ...DateTimeResolver.toConfig(), name: 'DateTime' });

/** YYYY-MM-DD; we keep dates as strings end to end so no time zone can shift them. */
export const DateScalar = new GraphQLScalarType({
  ...DateResolver.toConfig(),
  name: 'Date',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value)),
  parseValue: (value) => DateResolver.serialize(DateResolver.parseValue(value)),
  parseLiteral: (ast) => DateResolver.serialize(DateResolver.parseLiteral(ast, {})),
});
