import type { NextFunction, Request, Response } from 'express';

/**
 * A cap on requests in flight: up to `max` run, up to `maxQueued` more wait (each at most `waitMs`) for a
 * free place, any beyond get 503 + Retry-After at once. Keeps a burst from turning into unbounded memory
 * and latency for everyone.
 */
export class Admission {
  private active = 0;
  private readonly waiting: { admit: (ok: boolean) => void }[] = [];

  constructor(
    private readonly max: number,
    private readonly maxQueued: number,
    private readonly waitMs: number,
  ) {}

  get inFlight(): number {
    return this.active;
  }

  /** Resolves true once the request may run (it must then call `leave` exactly once), false if refused. */
  enter(): Promise<boolean> {
    if (this.active < this.max) {
      this.active++;
      return Promise.resolve(true);
    }
    if (this.waiting.length >= this.maxQueued || this.waitMs === 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const entry = {
        admit: (ok: boolean) => {
          clearTimeout(timer);
          resolve(ok);
        },
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(entry), 1);
        resolve(false);
      }, this.waitMs);
      this.waiting.push(entry);
    });
  }

  /** A request finished: its place passes to the longest waiting one, if any. */
  leave(): void {
    const next = this.waiting.shift();
    if (next) next.admit(true);
    else this.active--;
  }

  middleware() {
    return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      if (!(await this.enter())) {
        busy(res, 'The server is busy; try again shortly');
        return;
      }
      if (res.writableEnded || req.socket.destroyed) {
        this.leave(); // the client went away while waiting
        return;
      }
      res.once('close', () => this.leave());
      next();
    };
  }
}

/** 503 with Retry-After and a GraphQL-shaped body, as a GraphQL client expects an error. */
export function busy(res: Response, message: string, retryAfterSeconds = 1): void {
  if (res.headersSent) return;
  res.setHeader('retry-after', String(retryAfterSeconds));
  res.status(503).json({ errors: [{ message, extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
}
