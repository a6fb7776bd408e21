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
  /** After the cors handler: a preflight it did not answer (an origin not listed) gets 204 without CORS headers. */
  const then = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void, error?: unknown): void => {
    if (error) next(error);
    else if (req.method !== 'OPTIONS') next();
    else {
      res.statusCode = 204;
      res.end();
    }
  };
  return (req, res, next) => {
    // Without an Origin header (no browser's cross-origin call) and without `*`, the handler would add nothing.
    if (!any && req.headers.origin === undefined) then(req, res, next);
    else handler(req, res, (error?: unknown) => then(req, res, next, error));
  };
}
