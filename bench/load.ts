import autocannon from 'autocannon';
import { firstErrorOf, hasGraphQLErrors } from './graphql';
import { sampleRss, type Slice } from './measure';

export interface HttpLoad {
  url: string;
  headers: Record<string, string>;
  connections: number;
  warmup: number;
  duration: number;
  /** Request bodies, cycled in order across all connections. */
  next: () => string;
  /** Called with each response body of both warm-up and timed period (e.g. to count stored writes). */
  onBody?: (body: string) => void;
  /** The server process whose RSS is sampled during the timed period. */
  pid?: number;
}

export interface HttpSlice extends Slice {
  rssPeakMb: number;
  rssAfterMb: number;
}

/**
 * Drives one endpoint with autocannon: a warm-up, then the timed period. Latencies are autocannon's own
 * per-response times, collected from the timed period's `response` events (so p95 is exact, not a bucket);
 * failures are socket errors, timeouts, non-2xx and 200 bodies carrying GraphQL errors, warm-up included.
 */
export async function httpLoad(load: HttpLoad): Promise<HttpSlice> {
  let firstError: string | undefined;
  const instance = autocannon({
    url: load.url,
    method: 'POST',
    headers: load.headers,
    connections: load.connections,
    duration: load.duration,
    timeout: 20,
    requests: [{
      setupRequest: (request) => ({ ...request, body: load.next() }),
      onResponse: (_status, body) => load.onBody?.(body),
    }],
    ...(load.warmup > 0 ? { warmup: { connections: load.connections, duration: load.warmup } } : {}),
    verifyBody: (body) => {
      if (!hasGraphQLErrors(body)) return true;
      firstError ??= firstErrorOf(body);
      return false;
    },
  });
  const latencies: number[] = [];
  let rss: { stop(): { peak: number; last: number } } | undefined;
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
    rss ??= sampleRss(load.pid);
    latencies.push(ms);
  });
  const result = await instance;
  const { peak, last } = (rss ?? sampleRss(load.pid)).stop();
  const warm = result.warmup;
  const failed = (r: { errors: number; non2xx: number; mismatches: number } | undefined) => (r ? r.errors + r.non2xx + r.mismatches : 0);
  if (!firstError && failed(result) + failed(warm) > 0) {
    firstError = `socket errors ${result.errors} (timeouts ${result.timeouts}), non-2xx ${result.non2xx}`;
  }
  return { latencies, seconds: result.duration, failures: failed(result) + failed(warm), firstError, rssPeakMb: peak, rssAfterMb: last };
}
