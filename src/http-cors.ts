import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';

/** A connect-style step on plain node:http requests: `next()` to go on, `next(error)` to fail, or answer and not call it. */
export type HttpStep = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * CORS for /graphql: browsers on the listed origins (`*` for every origin) may call it, with any request headers
 * (Authorization included; no cookies). A preflight from any other origin is answered 204 without
 * Access-Control-Allow-* headers, so the browser refuses; it never reaches admission or Apollo.
 */
export function corsStep(origins: readonly string[]): HttpStep {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  const handler = cors({
    origin: (origin, done) => done(null, any ? '*' : origin !== undefined && allowed.has(origin) ? origin : false),
    methods: ['GET', 'POST', 'OPTIONS'],
    maxAge: 600,
  });
  return (req, res, next) => handler(req, res, (error?: unknown) => {
    if (error) {
      next(error);
      return;
    }
    // A preflight the cors handler did not answer (an origin not listed).
    if (req.method === 'OPTIONS') {
      res.statusCode = 204;
      res.end();
      return;
    }
    next();
  });
}
