import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, getNamedType, getVariableValues, isListType, getNullableType, Kind, visit, type DocumentNode, type OperationDefinitionNode, type ParseOptions, type SelectionNode, type TypeNode, type ValidationContext, type ValidationRule } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { loadConfig, type QueryLimits } from './config';
import { documentCostRule } from './document-cost';
import { DEFAULT_PAGE_SIZE } from './common/cursors';

/**
 * Fields plus repeats (pairs of fields sharing a response path) a document may ask validation to compare,
 * fragments expanded. Far above real documents (the introspection query costs 230; 100 identical root fields with one sub-field, 10,100), and low enough
 * that validating the largest accepted document stays under 50 ms (`npm run bench:validation`).
 */
export const MAX_SELECTION_WORK = 15_000;

/** A list bounded by its owner (tags, metrics, datasets of a version…) is assumed to hold this many items. */
const OWNED_LIST_SIZE = 3;

/**
 * Cost = fields selected, where a connection multiplies its children by its page size (`first` or `last`,
 * DEFAULT_PAGE_SIZE with neither), a list capped by `first` by that, and any other plain list by OWNED_LIST_SIZE. Computed from the final subgraph
 * schema, so it survives buildSubgraphSchema.
 */
const listEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  // edges/nodes of a connection: the connection field already multiplied by `first`.
  if (type.name.endsWith('Connection')) return 1 + childComplexity;
  if (getNamedType(field.type).name.endsWith('Connection')) {
    const sizes = [args.first, args.last].filter((n): n is number => typeof n === 'number');
    const size = sizes.length ? Math.max(...sizes) : DEFAULT_PAGE_SIZE;
    return 1 + Math.max(size, 1) * childComplexity;
  }
  if (isListType(getNullableType(field.type))) {
    // A list capped by `first` (the one-hop lineage neighbours) holds up to that many items; one fetched by
    // a list argument (nodes(ids:), _entities(representations:)) has that many.
    const listArg = Object.values(args).find(Array.isArray) as unknown[] | undefined;
    const size = typeof args.first === 'number' ? args.first : listArg ? listArg.length : OWNED_LIST_SIZE;
    return 1 + Math.max(size, 1) * childComplexity;
  }
  return undefined;
};

const rejected = (message: string, extensions: Record<string, unknown>) =>
  new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 }, ...extensions } });

/** Aliases are limited by graphql-armor; this counts the operation's root fields (aliased or not, through fragments). */
function maxRootFieldsRule(max: number): ValidationRule {
  return (context) => {
    const count = (selections: readonly SelectionNode[], seen: Set<string>): number =>
      selections.reduce((n, s) => {
        if (s.kind === Kind.FIELD) return n + 1;
        if (s.kind === Kind.INLINE_FRAGMENT) return n + count(s.selectionSet.selections, seen);
        if (seen.has(s.name.value)) return n;
        seen.add(s.name.value);
        const fragment = context.getFragment(s.name.value);
        return n + (fragment ? count(fragment.selectionSet.selections, seen) : 0);
      }, 0);
    return {
      OperationDefinition(node) {
        const fields = count(node.selectionSet.selections, new Set());
        if (fields > max) context.reportError(new GraphQLError(`The operation selects ${fields} root fields; the limit is ${max}`));
      },
    };
  };
}

/** graphql-armor throws by default (Apollo would answer 500): report through the validation context instead. */
const reportRejection = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => {
    context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, '')));
  }],
};

/** The token limit applies while parsing: a document over it never reaches validation. */
export function documentParseOptions(limits: QueryLimits): ParseOptions {
  return { maxTokens: limits.MAX_DOCUMENT_TOKENS ?? loadConfig({}).MAX_DOCUMENT_TOKENS };
}

export function limitValidationRules(limits: QueryLimits): ValidationRule[] {
  return [
    documentCostRule(MAX_SELECTION_WORK),
    maxDepthRule({ n: limits.MAX_QUERY_DEPTH, ignoreIntrospection: true, exposeLimits: true, ...reportRejection }) as unknown as ValidationRule,
    maxAliasesRule({ n: limits.MAX_QUERY_ALIASES, exposeLimits: true, ...reportRejection }) as unknown as ValidationRule,
    maxRootFieldsRule(limits.MAX_QUERY_ALIASES),
  ];
}

/** Costs remembered per document (the parsed document Apollo caches per query text), by operation and cost-relevant variables. */
const COSTS_PER_DOCUMENT = 64;
const costs = new WeakMap<DocumentNode, Map<string, number>>();

/** A variable's type can change the cost only as a page size or list length (Int, a list) or through @skip/@include (Boolean). */
function costRelevant(type: TypeNode): boolean {
  if (type.kind === Kind.NON_NULL_TYPE) return costRelevant(type.type);
  return type.kind === Kind.LIST_TYPE || type.name.value === 'Int' || type.name.value === 'Boolean';
}

/** The cache key: the operation and the values of the variables that can change its cost (lists by length). */
function costKey(operation: OperationDefinitionNode, variables: Record<string, unknown>): string {
  const values: unknown[] = [];
  for (const definition of operation.variableDefinitions ?? []) {
    if (!costRelevant(definition.type)) continue;
    const value = variables[definition.variable.name.value];
    values.push(Array.isArray(value) ? { length: value.length } : value ?? null);
  }
  return `${operation.name?.value ?? ''}:${JSON.stringify(values)}`;
}

function computeCost(schema: Parameters<typeof getComplexity>[0]['schema'], document: DocumentNode, variables: Record<string, unknown>, operationName: string | undefined): number {
  return getComplexity({
    schema, query: document, variables, operationName,
    estimators: [listEstimator, simpleEstimator({ defaultComplexity: 1 })],
  });
}

/**
 * The operation's cost, checked once variables are known. A document's cost is computed once per operation
 * and cost-relevant variable values (kept per parsed document, so it goes with Apollo's document cache);
 * a later request only coerces its variables, which rejects a bad one exactly as the full computation would.
 */
export function costLimitPlugin<C extends object>(limits: QueryLimits): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operation }) {
          const variables = request.variables ?? {};
          let cost: number;
          try {
            const key = operation ? costKey(operation, variables) : '';
            let known = costs.get(document);
            const cached = operation ? known?.get(key) : undefined;
            if (cached === undefined) {
              cost = computeCost(schema, document, variables, request.operationName ?? undefined);
              if (!known) costs.set(document, (known = new Map()));
              if (known.size >= COSTS_PER_DOCUMENT) known.clear();
              known.set(key, cost);
            } else {
              cost = cached;
              const { errors } = getVariableValues(schema, operation?.variableDefinitions ?? [], variables);
              if (errors?.length) throw errors[errors.length - 1];
            }
          } catch (error) {
            // getComplexity coerces the variables first: a bad variable is the client's error, as in execution.
            if (error instanceof GraphQLError) {
              const field = variableField(error.message, document);
              throw new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}), http: { status: 400 } } });
            }
            throw error;
          }
          if (cost > limits.MAX_QUERY_COST) {
            throw rejected(`The query costs ${cost}; the limit is ${limits.MAX_QUERY_COST}. Ask for smaller pages.`,
              { cost, limit: limits.MAX_QUERY_COST });
          }
        },
      };
    },
  };
}

/** Document size is checked before parsing (a large document costs CPU even when it is invalid). */
export function documentTooLarge(query: unknown, limits: QueryLimits): GraphQLError | null {
  if (typeof query !== 'string' || Buffer.byteLength(query) <= limits.MAX_DOCUMENT_BYTES) return null;
  return new GraphQLError(`The document is larger than ${limits.MAX_DOCUMENT_BYTES} bytes`, {
    extensions: { code: 'BAD_REQUEST', limit: limits.MAX_DOCUMENT_BYTES },
  });
}

/**
 * `Variable "$i" got invalid value … at "i.tags[1].key"` → `input.tags.1.key`: the input path of the
 * argument the variable is passed to, as for errors found by validation.
 */
function variableField(message: string, document: DocumentNode): string | null {
  const match = /^Variable "\$(\w+)" got invalid value .*? at "([^"]+)"/.exec(message) ?? /^Variable "\$(\w+)"/.exec(message);
  if (!match) return null;
  const [, variable, at] = match;
  const rest = (at ?? variable).replace(/\[(\d+)\]/g, '.$1').split('.').slice(1);
  let argument: string | null = null;
  visit(document, {
    Argument(node) {
      if (node.value.kind === Kind.VARIABLE && node.value.name.value === variable) argument ??= node.name.value;
    },
  });
  return [argument ?? `$${variable}`, ...rest].join('.');
}
