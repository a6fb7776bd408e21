import { AsyncResource } from 'node:async_hooks';

/**
 * A background worker's passes: woken by events and by a slow timer, never two at once (a wake during a pass
 * runs another right after it), always outside the async context of whatever woke it (a request's statements
 * and deadline are not the worker's), and after the current burst of promise work (never ahead of a response).
 * The audit sealer and the webhook dispatcher run this way.
 */
export class Passes {
  /** The async context the worker was created in (outside any request): passes run in it. */
  private readonly home: AsyncResource;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private halted = false;

  constructor(
    name: string,
    private readonly pass: () => Promise<void>,
    /** Told a pass's failure; the next wake or sweep retries. */
    private readonly onError: (error: unknown) => void,
  ) {
    this.home = new AsyncResource(name);
  }

  get stopped(): boolean {
    return this.halted;
  }

  /** Wakes now and every `intervalMs` (an unref'd timer: it keeps no process alive). */
  start(intervalMs: number): void {
    this.timer = setInterval(() => this.wake(), intervalMs);
    this.timer.unref();
    this.wake();
  }

  /** Asks for a pass soon. */
  wake(): void {
    if (this.halted) return;
    this.home.runInAsyncScope(() => {
      if (this.running) {
        this.again = true;
        return;
      }
      this.running = this.loop().finally(() => (this.running = undefined));
    });
  }

  /** From inside a pass: run another once this one ends (more work is left than one pass takes). */
  another(): void {
    this.again = true;
  }

  /** Resolves once no pass is running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Whether a pass is running now. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** No new pass starts (the running one, if any, goes on). */
  halt(): void {
    this.halted = true;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Halts, then resolves once the running pass (if any) has ended. */
  async stop(): Promise<void> {
    this.halt();
    await this.idle();
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      await new Promise<void>((resolve) => setImmediate(resolve));
      try {
        await this.pass();
      } catch (error) {
        this.onError(error);
        return;
      }
    } while (this.again && !this.halted);
  }
}
