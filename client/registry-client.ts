import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';

/** Client-side codes, used when there is no GraphQL error to read a code from. */
export const ClientErrorCode = {
  /** The server could not be reached (connection refused, DNS, reset). */
  NETWORK_ERROR: 'NETWORK_ERROR',
  /** A non-2xx answer that carried no GraphQL errors (e.g. a proxy's 502). */
  HTTP_ERROR: 'HTTP_ERROR',
  /** A 2xx answer that is not a GraphQL response. */
  BAD_RESPONSE: 'BAD_RESPONSE',
} as const;

export interface GraphQLErrorPayload {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; field?: string; [key: string]: unknown };
}

/**
 * A failed request. `code` is the first error's `extensions.code` (NOT_FOUND, CONFLICT, BAD_USER_INPUT, …)
 * or one of ClientErrorCode; `field` names the bad input path for BAD_USER_INPUT.
 */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';

  constructor(
    message: string,
    readonly code: string,
    readonly errors: readonly GraphQLErrorPayload[] = [],
    readonly status?: number,
    /** Whatever data came back beside the errors (partial results), if any. */
    readonly data?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get field(): string | undefined {
    return this.errors[0]?.extensions?.field;
  }
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface RegistryClientOptions {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql */
  url: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string;
  /** Defaults to the global fetch (Node 18+). */
  fetch?: FetchLike;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

/** Operations whose variables are all optional may be called without them. */
type VariablesArgs<TVars> = Record<string, never> extends TVars ? [variables?: TVars] : [variables: TVars];

export interface RegistryClient {
  request<TResult, TVars>(document: TypedDocumentNode<TResult, TVars>, ...args: VariablesArgs<TVars>): Promise<TResult>;
}

interface GraphQLResponse {
  data?: unknown;
  errors?: GraphQLErrorPayload[];
}

export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const printed = new WeakMap<DocumentNode, string>();
  const source = (document: DocumentNode): string => {
    let text = printed.get(document);
    if (text === undefined) {
      text = print(document);
      printed.set(document, text);
    }
    return text;
  };

  return {
    async request<TResult, TVars>(document: TypedDocumentNode<TResult, TVars>, ...args: VariablesArgs<TVars>): Promise<TResult> {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...options.headers,
      };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      const body = JSON.stringify({ query: source(document), variables: args[0] ?? {} });

      let response: Response;
      try {
        response = await doFetch(options.url, { method: 'POST', headers, body });
      } catch (error) {
        const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
        throw new RegistryError(`cannot reach ${options.url}: ${reason}`, ClientErrorCode.NETWORK_ERROR, [], undefined, undefined, { cause: error });
      }
      const payload = await readPayload(response);
      if (payload?.errors?.length) {
        const [first] = payload.errors;
        const code = first.extensions?.code ?? (response.ok ? 'INTERNAL_SERVER_ERROR' : ClientErrorCode.HTTP_ERROR);
        throw new RegistryError(first.message, code, payload.errors, response.status, payload.data ?? undefined);
      }
      if (!response.ok) {
        throw new RegistryError(`HTTP ${response.status} ${response.statusText} from ${options.url}`, ClientErrorCode.HTTP_ERROR, [], response.status);
      }
      if (!payload || payload.data == null) {
        throw new RegistryError(`not a GraphQL response from ${options.url}`, ClientErrorCode.BAD_RESPONSE, [], response.status);
      }
      return payload.data as TResult;
    },
  };
}

async function readPayload(response: Response): Promise<GraphQLResponse | null> {
  const text = await response.text();
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? (parsed as GraphQLResponse) : null;
  } catch {
    return null;
  }
}
