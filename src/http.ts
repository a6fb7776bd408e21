import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import { HeaderMap } from '@apollo/server';
import bodyParser from 'body-parser';
import type { RegistryApp } from './app';
import { httpLimits, type HttpLimits, type QueryLimits } from './config';
import { Deadline, withDeadline } from './db/deadline';
import { corsStep } from './http-cors';
import { Admission } from './http-admission';
import { observeGraphql, requestClosed, sendMetrics, startRequest } from './observability/http';
import type { RequestRecord } from './observability/request-record';
import { documentTooLarge } from './query-limits';

/** The largest request body read (the document's own limit, MAX_DOCUMENT_BYTES, is checked after). */
const BODY_LIMIT = '2mb';

/**
 * POST/GET /graphql (Sandbox on GET with Accept: text/html), /health, /ready, /metrics (Prometheus; keep it off
 * public networks), on a plain node:http server. A /graphql request goes through, in order: its id and record,
 * CORS, admission, its deadline, the body, the document-size check, then Apollo.
 */
export function createHttpServer(app: RegistryApp, limits: QueryLimits, options: Partial<HttpLimits> = {}): Server {
  const http = { ...httpLimits(), ...options };
  const cors = corsStep(http.CORS_ORIGINS);
  const admission = new Admission(http.MAX_CONCURRENT_REQUESTS, http.MAX_QUEUED_REQUESTS, http.QUEUE_TIMEOUT_MS);
  const timeoutMs = http.REQUEST_TIMEOUT_MS;

  /** An unexpected failure is logged and answered 500; a malformed body is the client's 4xx. */
  const fail = (res: ServerResponse, error: unknown): void => {
    if (res.headersSent) return;
    const given = (error as { status?: unknown } | null)?.status;
    const status = typeof given === 'number' && given >= 400 && given < 500 ? given : 500;
    if (status === 500) app.log.error({ err: error }, 'http error');
    const message = status === 413 ? 'The request body is too large' : status === 500 ? 'Internal server error' : 'Malformed request body';
    sendJson(res, status, { errors: [{ message, extensions: { code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' } }] });
  };

  /** Apollo's answer to the request, written as it comes (a response already sent, by the deadline, stays as it is). */
  const execute = async (req: IncomingMessage, res: ServerResponse, search: string, body: unknown): Promise<void> => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await app.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search, body },
      context: () => app.context({ headers: req.headers }),
    });
    if (res.headersSent) return;
    const complete = response.body.kind === 'complete';
    for (const [key, value] of response.headers) {
      // A whole text answer is UTF-8 (Apollo names no charset for its landing page).
      res.setHeader(key, complete && key === 'content-type' && !value.includes('charset=') ? `${value}; charset=utf-8` : value);
    }
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  /** One /graphql request: every step is a call on this request's own state, its end one `close` listener. */
  const graphql = (req: IncomingMessage, res: ServerResponse, search: string): void => {
    const record: RequestRecord = startRequest(app, req, res);
    let admitted = false;
    let timer: NodeJS.Timeout | undefined;
    res.once('close', () => {
      clearTimeout(timer);
      if (admitted) admission.leave();
      requestClosed(app, record, res);
    });

    const run = (): void => {
      // The request's total deadline: past it the answer is 503 SERVICE_UNAVAILABLE, and its transactions refuse
      // to commit. A COMMIT already under way is waited for, so the answer never contradicts what was stored.
      const deadline = new Deadline(Date.now() + timeoutMs);
      const check = (): void => {
        if (res.headersSent) return;
        if (deadline.committing()) {
          timer = setTimeout(check, 20);
          return;
        }
        busy(res, `The request did not finish within ${timeoutMs} ms`);
      };
      timer = setTimeout(check, timeoutMs);
      readJsonBody(req, res, (failure, body) => {
        try {
          if (failure) throw failure;
          const query = (body as { query?: unknown } | undefined)?.query ?? (search.length > 1 ? parseQueryString(search.slice(1)).query : undefined);
          const error = documentTooLarge(query, limits);
          if (error) {
            sendJson(res, 413, { errors: [error.toJSON()] });
            return;
          }
          // The deadline travels with the GraphQL work (started here, after the body's stream callbacks).
          withDeadline(deadline, () => observeGraphql(record, () => execute(req, res, search, body))).catch((late: unknown) => fail(res, late));
        } catch (error) {
          fail(res, error);
        }
      });
    };

    const admit = (ok: boolean): void => {
      if (!ok) {
        busy(res, 'The server is busy; try again shortly');
        return;
      }
      if (res.writableEnded || req.socket.destroyed) {
        admission.leave(); // the client went away while waiting
        return;
      }
      admitted = true;
      run();
    };

    cors(req, res, (error) => {
      if (error) {
        fail(res, error);
        return;
      }
      const entered = admission.enter();
      if (typeof entered === 'boolean') admit(entered);
      else entered.then(admit).catch((failure: unknown) => fail(res, failure));
    });
  };

  const ready = async (res: ServerResponse): Promise<void> => {
    const ok = app.ready && (await app.db.ready(http.READY_TIMEOUT_MS));
    sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'unavailable' });
  };

  const route = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    // Paths match in any case, with or without a trailing slash; /graphql also serves the paths below it.
    const path = (q < 0 ? url : url.slice(0, q)).toLowerCase();
    if (path === '/graphql' || path.startsWith('/graphql/')) {
      graphql(req, res, q < 0 ? '' : url.slice(q));
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      const endpoint = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
      if (endpoint === '/health') {
        sendJson(res, 200, { status: 'ok' });
        return;
      }
      if (endpoint === '/ready') {
        ready(res).catch((error: unknown) => fail(res, error));
        return;
      }
      if (endpoint === '/metrics') {
        sendMetrics(app, res).catch((error: unknown) => fail(res, error));
        return;
      }
    }
    res.statusCode = 404;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end('Not Found');
  };

  const server = createServer((req, res) => {
    try {
      route(req, res);
    } catch (error) {
      fail(res, error); // a bug in a step run before its first await must not take the process down
    }
  });
  // Idle keep-alive connections outlive a load balancer's idle timeout (60 s is usual), so the balancer
  // closes them first and never sends on a connection being closed here; headers get a little longer.
  server.keepAliveTimeout = http.HTTP_KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = http.HTTP_HEADERS_TIMEOUT_MS;
  server.requestTimeout = Math.max(http.REQUEST_TIMEOUT_MS, http.HTTP_HEADERS_TIMEOUT_MS);
  return server;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** 503 with Retry-After and a GraphQL-shaped body, as a GraphQL client expects an error. */
function busy(res: ServerResponse, message: string, retryAfterSeconds = 1): void {
  if (res.headersSent) return;
  res.setHeader('retry-after', String(retryAfterSeconds));
  sendJson(res, 503, { errors: [{ message, extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
}

/** express.json's parser: JSON bodies (any `utf-*` charset; identity, gzip, deflate or br) up to BODY_LIMIT, strict. */
const jsonParser = bodyParser.json({ limit: BODY_LIMIT });

/**
 * The request's JSON body, parsed; undefined for a request without a body or with another content type, which
 * Apollo then judges. A malformed or oversized body fails with the error's HTTP status (400, 413, 415).
 */
function readJsonBody(req: IncomingMessage, res: ServerResponse, done: (error: unknown, body?: unknown) => void): void {
  jsonParser(req, res, (error?: unknown) => done(error ?? null, (req as IncomingMessage & { body?: unknown }).body));
}
