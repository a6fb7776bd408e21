import { createServer, type Server } from 'node:http';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { RegistryApp } from './app';
import { httpLimits, type HttpLimits, type QueryLimits } from './config';
import { Deadline, withDeadline } from './db/deadline';
import { corsMiddleware } from './http-cors';
import { Admission, busy } from './http-admission';
import { metricsHandler, observeGraphql, observeRequests } from './observability/http';
import { documentTooLarge } from './query-limits';

/** POST/GET /graphql (Sandbox on GET with Accept: text/html), /health, /ready, /metrics (Prometheus; keep it off public networks). */
export function createHttpServer(app: RegistryApp, limits: QueryLimits, options: Partial<HttpLimits> = {}): Server {
  const http = { ...httpLimits(), ...options };
  const web = express();
  web.disable('x-powered-by');
  web.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  web.get('/ready', async (_req, res) => {
    const ok = app.ready && (await app.db.ready(http.READY_TIMEOUT_MS));
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'unavailable' });
  });
  web.get('/metrics', metricsHandler(app));
  const apollo = expressMiddleware(app.apollo, { context: async ({ req }) => app.context({ headers: req.headers }) });
  web.use(
    '/graphql',
    observeRequests(app),
    ...corsMiddleware(http.CORS_ORIGINS),
    new Admission(http.MAX_CONCURRENT_REQUESTS, http.MAX_QUEUED_REQUESTS, http.QUEUE_TIMEOUT_MS).middleware(),
    startDeadline(http.REQUEST_TIMEOUT_MS),
    express.json({ limit: '2mb' }),
    (req: Request, res: Response, next: NextFunction) => {
      const body = req.body as { query?: unknown } | undefined;
      const error = documentTooLarge(body?.query ?? req.query.query, limits);
      if (error) {
        res.status(413).json({ errors: [error.toJSON()] });
        return;
      }
      next();
    },
    // The deadline travels with the GraphQL work (after body parsing, whose stream callbacks lose it).
    (_req: Request, res: Response, next: NextFunction) => withDeadline(res.locals.deadline as Deadline, next),
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        await observeGraphql(res, () => apollo(req, res, next));
      } catch (error) {
        // After a deadline answer the late result has nowhere to go.
        if (!res.headersSent) next(error);
      }
    },
  );
  web.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) app.log.error({ err }, 'http error');
    const message = status === 413 ? 'The request body is too large' : status === 500 ? 'Internal server error' : 'Malformed request body';
    res.status(status).json({ errors: [{ message, extensions: { code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' } }] });
  });
  const server = createServer(web);
  // Idle keep-alive connections outlive a load balancer's idle timeout (60 s is usual), so the balancer
  // closes them first and never sends on a connection being closed here; headers get a little longer.
  server.keepAliveTimeout = http.HTTP_KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = http.HTTP_HEADERS_TIMEOUT_MS;
  server.requestTimeout = Math.max(http.REQUEST_TIMEOUT_MS, http.HTTP_HEADERS_TIMEOUT_MS);
  return server;
}

/**
 * The request's total deadline: past it the answer is 503 SERVICE_UNAVAILABLE, and its transactions refuse
 * to commit. A COMMIT already under way is waited for, so the answer never contradicts what was stored.
 */
function startDeadline(ms: number) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const deadline = new Deadline(Date.now() + ms);
    res.locals.deadline = deadline;
    let timer: NodeJS.Timeout;
    const check = (): void => {
      if (res.headersSent) return;
      if (deadline.committing()) {
        timer = setTimeout(check, 20);
        return;
      }
      busy(res, `The request did not finish within ${ms} ms`);
    };
    timer = setTimeout(check, ms);
    res.once('close', () => clearTimeout(timer));
    next();
  };
}
