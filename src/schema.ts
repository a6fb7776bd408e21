import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap, type MiddlewareFn, type ResolversMap } from 'type-graphql';
import type { Context } from './context';
import { DateTimeScalar } from './common/scalars';
import { validateArgument } from './common/validation';
import { ENTITY_REFERENCES, RESOLVERS } from './modules';

const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])';

/** After a mutation's root resolver, later fields must not read rows cached before the write. */
const freshReadsAfterMutation: MiddlewareFn<Context> = async ({ info, context }, next) => {
  const result: unknown = await next();
  if (info.parentType.name === 'Mutation') context.loaders.clearAll();
  return result;
};

/**
 * type-graphql builds the schema from the classes; buildSubgraphSchema then rebuilds it from SDL (with
 * @key directives, which type-graphql's own printer drops) plus the resolvers map and __resolveReference.
 */
export async function buildRegistrySchema(): Promise<GraphQLSchema> {
  const typeGraphqlSchema = await buildSchema({
    resolvers: RESOLVERS,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validateFn: (value, type, data) => validateArgument(value, type, data.info),
    globalMiddlewares: [freshReadsAfterMutation],
  });
  const typeDefs = parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(typeGraphqlSchema)}`);
  const resolvers = createResolversMap(typeGraphqlSchema) as ResolversMap<unknown, Context>;
  for (const [typeName, resolveReference] of Object.entries(ENTITY_REFERENCES)) {
    const typeResolvers = (resolvers[typeName] ??= {}) as Record<string, unknown>;
    typeResolvers.__resolveReference = resolveReference;
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return buildSubgraphSchema([{ typeDefs, resolvers: resolvers as any }]);
}

export function printRegistrySchema(schema: GraphQLSchema): string {
  return printSubgraphSchema(schema);
}
