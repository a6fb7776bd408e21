import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { Context } from './context';
import type { QueryLimits } from './config';
import { ClientError, ErrorCode } from './common/errors';
import type { Logger } from './common/logger';
import { isDeadlineExceeded, isUnavailable } from './db/database';
import { SANDBOX_DOCUMENT } from './sandbox-document';
import { COMPILED_DOCUMENTS, CompiledExecution } from './execution';
import { costLimitPlugin, documentParseOptions, limitValidationRules } from './query-limits';

/** Codes Apollo/graphql-js give to malformed requests: safe to show as they are. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED',
]);

type Classified = 'client' | 'request' | 'unavailable' | 'internal';

function classify(formatted: GraphQLFormattedError, error: unknown): Classified {
  const original = unwrapResolverError(error);
  if (original instanceof ClientError) return 'client';
  if (isUnavailable(original)) return 'unavailable';
  const code = formatted.extensions?.code;
  const wrapsSomethingElse = original !== error && !(original instanceof Error && original.name === 'GraphQLError');
  if (typeof code === 'string' && REQUEST_ERROR_CODES.has(code) && !wrapsSomethingElse) return 'request';
  return 'internal';
}

/** No SQL, driver text or stack trace ever reaches a client; unexpected errors are logged and masked. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const { locations, path } = formatted;
  switch (classify(formatted, error)) {
    case 'client':
    case 'request': {
      const { stacktrace: _stack, exception: _exception, ...extensions } = formatted.extensions ?? {};
      delete extensions.http;
      return { message: formatted.message, locations, path, extensions };
    }
    case 'unavailable': {
      const message = isDeadlineExceeded(unwrapResolverError(error))
        ? 'The request did not finish within its deadline; try again'
        : 'The database is unavailable; try again shortly';
      return { message, locations, path, extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } };
    }
    default:
      return { message: 'Internal server error', locations, path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  }
}

function errorLogPlugin(log: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            const kind = classify({ message: error.message, extensions: error.extensions }, error);
            if (kind === 'internal' || kind === 'unavailable') {
              log.error({ err: unwrapResolverError(error), requestId: contextValue.requestId, operationName, path: error.path }, 'request failed');
            }
          }
        },
      };
    },
  };
}

/**
 * Field-level traces for a federation router, only when it sends `apollo-federation-include-trace: ftv1`; errors in
 * the trace are masked. Apollo's own plugin sets up a trace builder for every request before looking at the header,
 * so it is asked only for the requests that want a trace.
 */
function inlineTraceWhenAsked(): ApolloServerPlugin<Context> {
  const trace = ApolloServerPluginInlineTrace();
  return {
    async requestDidStart(request) {
      if (request.request.http?.headers.get('apollo-federation-include-trace') !== 'ftv1') return;
      return trace.requestDidStart?.(request);
    },
  };
}

/**
 * Operations run compiled (graphql-jit, `src/execution.ts`, from a document's second request on), plugged in
 * as Apollo's gateway executor; a request asking for a federation inline trace runs on graphql-js so the
 * trace plugin sees every field. With `compiled: false` (while OpenTelemetry tracing is on) every request does.
 */
export function createApolloServer(schema: GraphQLSchema, limits: QueryLimits, log: Logger, extraPlugins: ApolloServerPlugin<Context>[] = [],
  execution: { compiled?: boolean } = {}): ApolloServer<Context> {
  return new ApolloServer<Context>({
    gateway: new CompiledExecution(schema, COMPILED_DOCUMENTS, execution.compiled ?? true),
    includeStacktraceInErrorResponses: false,
    // main.ts owns shutdown (HTTP drain, then Apollo, then the database); a second stop() would hang.
    stopOnTerminationSignals: false,
    formatError,
    parseOptions: documentParseOptions(limits),
    validationRules: limitValidationRules(limits),
    introspection: true,
    plugins: [
      ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false, document: SANDBOX_DOCUMENT }),
      inlineTraceWhenAsked(),
      // Instead of Apollo's default for a subgraph, which would set up a trace on every request.
      ApolloServerPluginInlineTraceDisabled(),
      // No HTTP caching hints here; the default plugin would wrap every field resolver to compute them.
      ApolloServerPluginCacheControlDisabled(),
      costLimitPlugin<Context>(limits),
      errorLogPlugin(log),
      ...extraPlugins,
    ],
  });
}
