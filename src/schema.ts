import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { isInterfaceType, isUnionType, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap, type ResolversMap } from 'type-graphql';
import type { Context } from './context';
import { isWellFormed } from './common/edge-values';
import { BadInputError } from './common/errors';
import { DateTimeScalar } from './common/scalars';
import { validateArgument } from './common/validation';
import { ENTITY_REFERENCES, RESOLVERS } from './modules';
import { authChecker, authorize } from './auth/auth-checker';
import { Role } from './auth/role';
import { NODE_TYPES } from './node/node-types';

/** The resolvers buildSubgraphSchema takes, named through its public signature (the package exports no name for them). */
type SubgraphModule = Exclude<Extract<Parameters<typeof buildSubgraphSchema>[0], readonly unknown[]>[number], DocumentNode>;
type SubgraphResolvers = NonNullable<SubgraphModule['resolvers']>;

const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])';

/**
 * After a mutation's root resolver, later fields (and later mutations in the same request) must not read
 * rows cached before the write: clear the request's loaders. Wrapping only the Mutation fields keeps
 * the cost off every other field (a global type-graphql middleware would run on each one).
 */
function clearLoadersAfterMutations(schema: GraphQLSchema): void {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve;
    if (!resolve) continue;
    field.resolve = async (source, args, context: Context, info) => {
      try {
        return await resolve(source, args, context, info);
      } finally {
        context.loaders.clearAll();
      }
    };
  }
}

/**
 * A gateway sends `{ __typename, id }` references; one naming no entity type of ours (or no type at all),
 * or without a string id, is the caller's mistake: BAD_USER_INPUT, not an internal error. Built by
 * @apollo/subgraph outside type-graphql, `_entities` asks the auth checker itself (VIEWER); `_service`
 * (the SDL, which routers fetch) stays open.
 */
function checkEntityReferences(schema: GraphQLSchema): void {
  const field = schema.getQueryType()?.getFields()._entities;
  const union = schema.getType('_Entity');
  const resolve = field?.resolve;
  if (!field || !resolve || !isUnionType(union)) return;
  const entityTypes = new Set(union.getTypes().map((t) => t.name));
  const names = [...entityTypes].sort().join(', ');
  field.resolve = async (source, args: { representations: unknown[] }, context: Context, info) => {
    await authorize(context, Role.VIEWER, '_entities');
    args.representations.forEach((reference, i) => {
      const at = `representations.${i}`;
      if (typeof reference !== 'object' || reference === null || Array.isArray(reference)) throw new BadInputError(at, 'must be an object with __typename and id');
      const { __typename: typename, id } = reference as { __typename?: unknown; id?: unknown };
      if (typeof typename !== 'string' || !entityTypes.has(typename)) throw new BadInputError(`${at}.__typename`, `must name an entity type: ${names}`);
      if (typeof id !== 'string' || !isWellFormed(id)) throw new BadInputError(`${at}.id`, 'must be a string id');
    });
    return resolve(source, args, context, info);
  };
}

/**
 * `Node` and `LineageNode` hold node types only, whose values are their entity classes: the type is the
 * class's, found synchronously (type-graphql's resolvers are async, which compiled execution cannot wait
 * for). An abstract type with other members keeps its resolver; federation's `_Entity` keeps its own.
 */
function resolveNodeTypesByClass(schema: GraphQLSchema): void {
  const typeOf = new Map<unknown, string>(Object.entries(NODE_TYPES).map(([name, def]) => [def.entity, name]));
  const nodeTypes = new Set(typeOf.values());
  for (const type of Object.values(schema.getTypeMap())) {
    if ((!isUnionType(type) && !isInterfaceType(type)) || type.name.startsWith('_')) continue;
    const members = new Set(schema.getPossibleTypes(type).map((t) => t.name));
    if (![...members].every((name) => nodeTypes.has(name))) continue;
    type.resolveType = (value: unknown) => {
      if (typeof value !== 'object' || value === null) return undefined;
      for (let proto = Object.getPrototypeOf(value) as { constructor?: unknown } | null; proto; proto = Object.getPrototypeOf(proto) as typeof proto) {
        const name = typeOf.get(proto.constructor);
        if (name && members.has(name)) return name;
      }
      return undefined;
    };
  }
}

/**
 * type-graphql builds the schema from the classes; buildSubgraphSchema then rebuilds it from SDL (with
 * @key directives, which type-graphql's own printer drops) plus the resolvers map and __resolveReference.
 */
export async function buildRegistrySchema(): Promise<GraphQLSchema> {
  const typeGraphqlSchema = await buildSchema({
    resolvers: RESOLVERS,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validateFn: (value, type, data) => validateArgument(value, type, data),
    authChecker,
  });
  const typeDefs = parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(typeGraphqlSchema)}`);
  const resolvers = createResolversMap(typeGraphqlSchema) as ResolversMap<unknown, Context>;
  for (const [typeName, resolveReference] of Object.entries(ENTITY_REFERENCES)) {
    const typeResolvers = (resolvers[typeName] ??= {}) as Record<string, unknown>;
    typeResolvers.__resolveReference = resolveReference;
  }
  const schema = buildSubgraphSchema([{ typeDefs, resolvers: resolvers as SubgraphResolvers }]);
  clearLoadersAfterMutations(schema);
  checkEntityReferences(schema);
  resolveNodeTypesByClass(schema);
  return schema;
}

export function printRegistrySchema(schema: GraphQLSchema): string {
  return printSubgraphSchema(schema);
}

const API_HEADER = `# The client-facing schema of the modelgraph subgraph, generated by \`npm run generate\` (do not edit).
# The same types as schema/schema.graphql (the federation SDL a router composes), with the federation
# directives and scalars defined here, so generic GraphQL tools (codegen, Relay, IDEs, linters) load it as is.
`;

/** schema/api.graphql: the served schema with every directive it uses defined (printSubgraphSchema leaves them to the router). */
export function printClientSchema(schema: GraphQLSchema): string {
  return `${API_HEADER}\n${printSchemaWithDirectives(schema).trimEnd()}\n`;
}
