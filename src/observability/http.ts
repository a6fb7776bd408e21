import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RegistryApp } from '../app';
import { countQueries } from '../db/query-log';
import { RequestRecord, withRequestRecord } from './request-record';

/** A request id a caller may choose (anything else is replaced by a fresh UUID). */
const REQUEST_ID = /^[\w.-]{1,100}$/;

/** The request's id: the caller's `X-Request-Id` when well-formed, else a fresh UUID. */
export function requestIdOf(given: string | string[] | undefined): string {
  const candidate = Array.isArray(given) ? given[0] : given;
  return candidate && REQUEST_ID.test(candidate) ? candidate : randomUUID();
}

/** The code an answer the HTTP layer gave by itself (admission, deadline, body limits) stands for; 0: none was sent. */
function statusOutcome(status: number): string {
  if (status === 0) return 'ABORTED';
  if (status === 503) return 'SERVICE_UNAVAILABLE';
  if (status >= 500) return 'INTERNAL_SERVER_ERROR';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  return status >= 400 ? 'BAD_REQUEST' : 'ok';
}

/**
 * First on /graphql: settles the request id (the caller's `X-Request-Id` when well-formed, else a UUID), returns
 * it as the `X-Request-Id` response header on every answer, and starts the request's record. Once the answer is
 * sent (the response closes), `requestClosed` writes the request's log line and counts it in the app's metrics.
 */
export function startRequest(app: RegistryApp, req: IncomingMessage, res: ServerResponse): RequestRecord {
  const requestId = requestIdOf(req.headers['x-request-id']);
  req.headers['x-request-id'] = requestId;
  res.setHeader('X-Request-Id', requestId);
  return new RequestRecord(requestId, app.metrics);
}

/** The response closed: once the GraphQL work (if any) has ended, the request is logged and counted. */
export function requestClosed(app: RegistryApp, record: RequestRecord, res: ServerResponse): void {
  record.closed = true;
  const seconds = Number(process.hrtime.bigint() - record.started) / 1e9;
  // Closed before the answer was complete: the caller went away (or the connection broke).
  const status = res.writableFinished ? res.statusCode : 0;
  if (record.work) void record.work.then(() => finish(app, record, status, seconds));
  else finish(app, record, status, seconds);
}

/** Runs Apollo's handling of the request with its record reachable and its SQL statements counted. */
export async function observeGraphql(record: RequestRecord, handle: () => Promise<void>): Promise<void> {
  const work = withRequestRecord(record, () => countQueries(handle));
  record.work = work.then(({ statements }) => void (record.statements = statements.length), () => undefined);
  await work;
}

function finish(app: RegistryApp, record: RequestRecord, status: number, seconds: number): void {
  const outcome = record.codes.length && status !== 0 ? record.codes.join(',') : statusOutcome(status);
  const type = record.operationType ?? 'none';
  app.log.info({
    requestId: record.requestId, operation: record.operationName ?? null, type, status, outcome,
    durationMs: Math.round(seconds * 1e4) / 10, statements: record.statements, actor: record.actor ?? null,
  }, 'graphql request');
  const first = status === 0 ? statusOutcome(0) : record.codes[0] ?? statusOutcome(status);
  app.metrics.observeRequest({ operation: app.metrics.operationLabel(record.operationName), type, outcome: first }, seconds, record.statements);
}

/** GET /metrics: the app's registry in Prometheus text format. */
export async function sendMetrics(app: RegistryApp, res: ServerResponse): Promise<void> {
  const text = await app.metrics.scrape();
  res.setHeader('Content-Type', app.metrics.registry.contentType);
  res.end(text);
}
