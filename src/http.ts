import { createServer, type Server } from 'node:http';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { RegistryApp } from './app';
import type { QueryLimits } from './config';
import { documentTooLarge } from './query-limits';

/** POST/GET /graphql (Sandbox on GET with Accept: text/html), /health, /ready. */
export function createHttpServer(app: RegistryApp, limits: QueryLimits): Server {
  const web = express();
  web.disable('x-powered-by');
  web.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  web.get('/ready', async (_req, res) => {
    const ok = app.ready && (await app.db.ping());
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'unavailable' });
  });
  web.use(
    '/graphql',
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
    expressMiddleware(app.apollo, { context: async ({ req }) => app.context({ headers: req.headers }) }),
  );
  web.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) app.log.error({ err }, 'http error');
    const message = status === 413 ? 'The request body is too large' : status === 500 ? 'Internal server error' : 'Malformed request body';
    res.status(status).json({ errors: [{ message, extensions: { code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' } }] });
  });
  return createServer(web);
}
