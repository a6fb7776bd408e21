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

  /**
   * True once the request may run (it must then call `leave` exactly once), false if refused: at once when a
   * place is free or the queue is full, else a promise settled when a place frees or the wait times out.
   */
  enter(): boolean | Promise<boolean> {
    if (this.active < this.max) {
      this.active++;
      return true;
    }
    if (this.waiting.length >= this.maxQueued || this.waitMs === 0) return false;
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
}
