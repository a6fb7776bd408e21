import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { withInputDefaults } from './execution-defaults';
import { withReadRoute } from './db/read-route';

/** Apollo Server's gateway contract, named through its public options type. */
type Gateway = ApolloServerOptionsWithGateway<Record<string, unknown>>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;
type ExecutorRequest = Parameters<Executor>[0];

/** Compiled documents kept (least recently used dropped first); each costs a few kilobytes of generated code. */
export const COMPILED_DOCUMENTS = 500;

/** The header a federation router sends when it wants field-level traces (read by Apollo's inline-trace plugin). */
const TRACE_HEADER = 'apollo-federation-include-trace';

/**
 * graphql-jit's errors leave `extensions` undefined when the original error had none, which Apollo's error
 * formatting does not expect: give those the shape graphql-js gives (same message, path and locations).
 */
function asGraphqlJsError(error: GraphQLError): GraphQLError {
  if (error.extensions) return error;
  const copy = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined });
  Object.defineProperty(copy, 'locations', { value: error.locations, enumerable: true, writable: true });
  return copy;
}

/** A bounded map that forgets the least recently used entry first. */
class Lru<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly max: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as K);
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * Executes operations with graphql-jit: a document (and operation name) requested again is compiled once
 * into plain JavaScript and kept in a bounded LRU; its first request runs on graphql-js. It plugs into Apollo Server as a "gateway" that serves the local
 * schema, so parsing, validation, plugins, error formatting and masking stay Apollo's.
 *
 * A request asking for an inline trace (a router's `apollo-federation-include-trace: ftv1`) runs on
 * graphql-js instead (as does every request when compilation is off: OpenTelemetry's GraphQL spans): the inline-trace plugin times each field through the schema's resolvers, which only
 * graphql-js calls in the shape it expects.
 */
export class CompiledExecution implements Gateway {
  private readonly compiled: Lru<string, CompiledQuery>;
  /** Documents run once, not compiled yet. */
  private readonly seen: Lru<string, true>;
  /** Counters for tests and diagnostics. */
  readonly stats = { compiled: 0, jit: 0, graphqlJs: 0 };

  constructor(
    private readonly schema: GraphQLSchema,
    capacity = COMPILED_DOCUMENTS,
    /** False: every request runs on graphql-js (tracing wraps the schema's resolvers, which compiled code bypasses). */
    private readonly compile = true,
  ) {
    this.compiled = new Lru(capacity);
    this.seen = new Lru(capacity * 4);
  }

  get cached(): number {
    return this.compiled.size;
  }

  onSchemaLoadOrUpdate(callback: Parameters<Gateway['onSchemaLoadOrUpdate']>[0]): () => void {
    callback({ apiSchema: this.schema, coreSupergraphSdl: '' });
    return () => undefined;
  }

  async load(): Promise<{ executor: Executor }> {
    return { executor: (request) => this.execute(request) };
  }

  async stop(): Promise<void> {
    // Nothing to release: the schema is local.
  }

  /**
   * A mutation's request reads from the primary throughout (its response's fields too, so it reads its own
   * writes); a query-only request may read from a healthy replica (see src/db/read-route.ts).
   */
  private execute(request: ExecutorRequest): Promise<ExecutionResult> {
    return withReadRoute(request.operation.operation === 'query' ? 'replica' : 'primary', () => this.run(request));
  }

  private async run(request: ExecutorRequest): Promise<ExecutionResult> {
    const { document, operationName, context } = request;
    const variables = request.request.variables ?? {};
    if (!this.compile || request.request.http?.headers.get(TRACE_HEADER) === 'ftv1' || omitsVariables(request.operation, variables)) {
      this.stats.graphqlJs++;
      return execute({ schema: this.schema, document, operationName, contextValue: context, variableValues: variables });
    }
    const compiled = this.compiledOrNull(document, operationName, request.queryHash);
    if (!compiled) {
      this.stats.graphqlJs++;
      return execute({ schema: this.schema, document, operationName, contextValue: context, variableValues: variables });
    }
    if (!isCompiledQuery(compiled)) return compiled;
    this.stats.jit++;
    const result = await compiled.query(undefined, context, withInputDefaults(this.schema, request.operation, variables));
    if (result.errors) (result as { errors: readonly GraphQLError[] }).errors = result.errors.map(asGraphqlJsError);
    return result;
  }

  /**
   * The document's compiled form, compiled on its second request: a document sent once (most of what
   * a fuzzer or a scanner sends) runs on graphql-js instead of paying for a compilation (~10 ms).
   */
  private compiledOrNull(document: DocumentNode, operationName: string | null, queryHash: string): CompiledQuery | ExecutionResult | null {
    const key = `${operationName ?? ''}:${queryHash}`;
    const hit = this.compiled.get(key);
    if (hit) return hit;
    if (!this.seen.get(key)) {
      this.seen.set(key, true);
      return null;
    }
    const compiled = compileQuery(this.schema, document, operationName ?? undefined);
    if (!isCompiledQuery(compiled)) return compiled;
    this.stats.compiled++;
    this.compiled.set(key, compiled);
    return compiled;
  }
}

/**
 * A declared variable the request leaves out (not even null, and without a default): graphql-js then leaves
 * the argument or input field it feeds out too (so `setModelPolicy(input: { deployableStages: $s })` keeps the
 * stored stages), while graphql-jit 0.8 passes null (which would reset them). Such requests run on graphql-js.
 */
function omitsVariables(operation: OperationDefinitionNode, variables: Record<string, unknown>): boolean {
  return (operation.variableDefinitions ?? []).some((d) => d.defaultValue === undefined && variables[d.variable.name.value] === undefined);
}
