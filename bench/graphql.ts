/** A minimal GraphQL-over-HTTP caller for the harness (the typed client lives in client/). */
export interface Endpoint {
  url: string;
  token?: string;
}

export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

interface Payload<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

export function headersFor(endpoint: Endpoint): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (endpoint.token) headers.authorization = `Bearer ${endpoint.token}`;
  return headers;
}

/** POSTs one operation and returns `data`, or throws with the first error's code and message. */
export async function gql<T>(endpoint: Endpoint, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(endpoint.url, {
    method: 'POST',
    headers: headersFor(endpoint),
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let payload: Payload<T>;
  try {
    payload = JSON.parse(text) as Payload<T>;
  } catch {
    throw new GraphQLRequestError(`HTTP ${response.status}: ${text.slice(0, 200)}`, undefined);
  }
  const [first] = payload.errors ?? [];
  if (first) {
    const code = first.extensions?.code;
    const field = first.extensions?.field ? ` at ${first.extensions.field}` : '';
    throw new GraphQLRequestError(`${code ?? 'ERROR'}${field}: ${first.message}`, code);
  }
  if (!response.ok || payload.data == null) {
    throw new GraphQLRequestError(`HTTP ${response.status} without data`, undefined);
  }
  return payload.data;
}

/**
 * True when a response body carries GraphQL errors. A key `"errors":` can only appear in JSON as an object
 * key (inside strings the quotes are escaped), so the parse is skipped for the common, error-free body.
 */
export function hasGraphQLErrors(body: string): boolean {
  if (!body.includes('"errors":')) return false;
  try {
    const parsed = JSON.parse(body) as { errors?: unknown[] };
    return Array.isArray(parsed.errors) && parsed.errors.length > 0;
  } catch {
    return true;
  }
}

export function firstErrorOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as Payload<unknown>;
    const first = parsed.errors?.[0];
    if (first) return `${first.extensions?.code ?? 'ERROR'}: ${first.message}`;
  } catch {
    // not JSON: show the start of the body
  }
  return body.slice(0, 200);
}
