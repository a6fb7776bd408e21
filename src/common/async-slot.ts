import { AsyncLocalStorage } from 'node:async_hooks';

/** Every slot's value, keyed by the slot, in the async context it was set in. */
const storage = new AsyncLocalStorage<Readonly<Record<symbol, unknown>>>();

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
    return storage.run({ ...storage.getStore(), [this.key]: value }, fn);
  }

  /** The value of the innermost `run` around the current async context, if any. */
  getStore(): T | undefined {
    return storage.getStore()?.[this.key] as T | undefined;
  }
}
