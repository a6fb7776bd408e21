import { GraphQLError, GraphQLScalarType } from 'graphql';
import { GraphQLDateTime, JSONResolver } from 'graphql-scalars';

const base = GraphQLDateTime.toConfig();

/**
 * DateTime: RFC 3339 in, ISO-8601 UTC with milliseconds out (`2026-11-27T12:05:01.123Z`), the same on
 * every database. graphql-scalars parses; serialization is ours so results are strings, not Date objects.
 */
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Instants every engine stores and reads back unchanged (mysql2 misreads years below 100, for one). */
function inRange(date: Date): Date {
  const ms = date.getTime();
  if (ms < EARLIEST || ms > LATEST) throw new GraphQLError('DateTime must be between 1970-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z');
  return date;
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  ...base,
  description: 'An instant, ISO-8601 in UTC with milliseconds (2026-11-27T12:05:01.123Z); from 1970-01-01 to 9999-12-31',
  parseValue: (value: unknown) => inRange(base.parseValue!(value) as Date),
  parseLiteral: (ast, variables) => inRange(base.parseLiteral!(ast, variables) as Date),
  serialize(value: unknown): string {
    const date = base.serialize!(value) as Date;
    return date.toISOString();
  },
});

export const JSONScalar = JSONResolver;

/** What a JSON column or JSON scalar holds (kept shallow: TypeORM's deep-partial types choke on recursion). */
export type JsonValue = string | number | boolean | object;
