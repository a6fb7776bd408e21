import { AsyncSlot } from '../common/async-slot';
import { StorageStateError } from './errors';

/**
 * A request's total deadline, carried in the async context of its work. Write transactions check it
 * before COMMIT, so a request answered "timed out" never commits afterwards; while a COMMIT is under way
 * the HTTP layer waits for it instead of answering (its outcome is then the answer).
 */
export class Deadline {
  private commits = 0;

  constructor(readonly at: number) {}

  expired(): boolean {
    return Date.now() >= this.at;
  }

  committing(): boolean {
    return this.commits > 0;
  }

  /** Throws once the deadline has passed; otherwise marks a COMMIT as under way until `done` is called. */
  beginCommit(): () => void {
    if (this.expired()) throw new StorageStateError('DEADLINE_EXCEEDED', 'The request did not finish within its deadline');
    this.commits++;
    let open = true;
    return () => {
      if (open) this.commits--;
      open = false;
    };
  }
}

const store = new AsyncSlot<Deadline>('deadline');

export function withDeadline<T>(deadline: Deadline, fn: () => T): T {
  return store.run(deadline, fn);
}

export function currentDeadline(): Deadline | undefined {
  return store.getStore();
}
