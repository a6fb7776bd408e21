import { AsyncLocalStorage } from 'node:async_hooks';

/** One `run`'s value, linked to the values of the runs around it. */
interface Frame {
  readonly key: symbol;
  readonly value: unknown;
  readonly outer: Frame | undefined;
}

const storage = new AsyncLocalStorage<Frame>();

/**
 * A value carried in the async context of some work (a request's deadline, record and read route, the statements
 * being counted, a transaction), with AsyncLocalStorage's `run`/`getStore`. All slots share one AsyncLocalStorage:
 * Node hands every enabled storage on to every promise created, so one storage per value would cost each promise
 * of every request as many copies as there are values.
 */
export class AsyncSlot<T> {
  private readonly key: symbol;

  constructor(name: string) {
    this.key = Symbol(name);
  }

  /** Runs `fn` (and the async work it starts) with this slot set to `value`; other slots keep theirs. */
  run<R>(value: T, fn: () => R): R {
    return storage.run({ key: this.key, value, outer: storage.getStore() }, fn);
  }

  /** The value of the innermost `run` of this slot around the current async context, if any. */
  getStore(): T | undefined {
    for (let frame = storage.getStore(); frame; frame = frame.outer) {
      if (frame.key === this.key) return frame.value as T;
    }
    return undefined;
  }
}
