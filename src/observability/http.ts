import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { RegistryApp } from '../app';
import { countQueries } from '../db/query-log';
import { RequestRecord, withRequestRecord } from './request-record';

/** A request id a caller may choose (anything else is replaced by a fresh UUID). */
const REQUEST_ID = /^[\w.-]{1,100}$/;

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
 * it as the `X-Request-Id` response header on every answer, and once the answer is sent and the GraphQL work
 * has ended, writes the request's log line and counts it in the app's metrics.
 */
export function observeRequests(app: RegistryApp): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.headers['x-request-id'];
    const candidate = Array.isArray(given) ? given[0] : given;
    const requestId = candidate && REQUEST_ID.test(candidate) ? candidate : randomUUID();
    req.headers['x-request-id'] = requestId;
    res.setHeader('X-Request-Id', requestId);
    const record = new RequestRecord(requestId, app.metrics);
    res.locals.record = record;
    res.once('close', () => {
      record.closed = true;
      const seconds = Number(process.hrtime.bigint() - record.started) / 1e9;
      // Closed before the answer was complete: the caller went away (or the connection broke).
      const status = res.writableFinished ? res.statusCode : 0;
      void (record.work ?? Promise.resolve()).then(() => finish(app, record, status, seconds));
    });
    next();
  };
}

/** Runs Apollo's handling of the request with its record reachable and its SQL statements counted. */
export async function observeGraphql(res: Response, handle: () => unknown): Promise<void> {
  const record = res.locals.record as RequestRecord | undefined;
  if (!record) {
    await handle();
    return;
  }
  const work = withRequestRecord(record, () => countQueries(async () => {
    await handle();
  }));
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
export function metricsHandler(app: RegistryApp): RequestHandler {
  return async (_req: Request, res: Response) => {
    const text = await app.metrics.scrape();
    res.setHeader('Content-Type', app.metrics.registry.contentType);
    res.send(text);
  };
}
