import cors from 'cors';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * CORS for /graphql: browsers on the listed origins (`*` for every origin) may call it, with any request headers
 * (Authorization included; no cookies). A preflight from any other origin is answered 204 without
 * Access-Control-Allow-* headers, so the browser refuses; it never reaches admission or Apollo.
 */
export function corsMiddleware(origins: readonly string[]): RequestHandler[] {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  const handler = cors({
    origin: (origin, done) => done(null, any ? '*' : origin !== undefined && allowed.has(origin) ? origin : false),
    methods: ['GET', 'POST', 'OPTIONS'],
    maxAge: 600,
  });
  const refusedPreflight = (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
  return [handler, refusedPreflight];
}
