import { driverErrorOf } from './errors';

/**
 * Whether writes can currently be made durable. A storage error during a write (disk full, read-only,
 * I/O error: see `isStorageFailure`) marks writes as failing; the next write transaction that commits,
 * or a successful write probe (run by /ready while failing), marks them healthy again.
 */
export class WriteHealth {
  private failure: { code: string; since: Date } | undefined;
  private listener: ((failure: { code: string; since: Date } | undefined) => void) | undefined;

  /** Called when writes start failing (with the error's code) and when they commit again (undefined). */
  onChange(listener: (failure: { code: string; since: Date } | undefined) => void): void {
    this.listener = listener;
  }

  get ok(): boolean {
    return !this.failure;
  }

  /** The storage error that made writes fail, while they do. */
  get lastFailure(): { code: string; since: Date } | undefined {
    return this.failure;
  }

  failed(error: unknown): void {
    const { code, errno } = driverErrorOf(error);
    if (this.failure) return;
    this.failure = { code: String(code ?? errno ?? 'UNKNOWN'), since: new Date() };
    this.listener?.(this.failure);
  }

  committed(): void {
    if (!this.failure) return;
    this.failure = undefined;
    this.listener?.(undefined);
  }
}
