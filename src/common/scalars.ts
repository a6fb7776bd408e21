import { GraphQLScalarType } from 'graphql';
import { GraphQLDateTime, JSONResolver } from 'graphql-scalars';

const base = GraphQLDateTime.toConfig();

/**
 * DateTime: RFC 3339 in, ISO-8601 UTC with milliseconds out (`2026-11-27T12:05:01.123Z`), the same on
 * every database. graphql-scalars parses; serialization is ours so results are strings, not Date objects.
 */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  ...base,
  serialize(value: unknown): string {
    const date = base.serialize!(value) as Date;
    return date.toISOString();
  },
});

export const JSONScalar = JSONResolver;

/** What a JSON column or JSON scalar holds (kept shallow: TypeORM's deep-partial types choke on recursion). */
export type JsonValue = string | number | boolean | object;
