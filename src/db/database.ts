import { AsyncLocalStorage } from 'node:async_hooks';
import { Mutex } from 'async-mutex';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource, EntityManager } from 'typeorm';
import { DateUtils } from 'typeorm/util/DateUtils';
import type { Engine } from './data-source';

interface DriverError {
  code?: string;
  errno?: number;
}

function driverErrorOf(error: unknown): DriverError {
  const e = error as { driverError?: DriverError; thrownValue?: DriverError } & DriverError;
  // graphql-js wraps a non-Error throw (mysql2 rejects with plain objects at times) in `thrownValue`.
  return e?.driverError ?? e?.thrownValue ?? e ?? {};
}

const MYSQL_RETRYABLE = new Set([1213 /* deadlock */, 1205 /* lock wait timeout */]);

export function isUniqueViolation(error: unknown): boolean {
  const { code, errno } = driverErrorOf(error);
  return errno === 1062 || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export function isForeignKeyViolation(error: unknown): boolean {
  const { code, errno } = driverErrorOf(error);
  return errno === 1452 || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_CON_COUNT_ERROR', 'POOL_CLOSED',
  'SQLITE_BUSY', 'SQLITE_CANTOPEN', 'SQLITE_IOERR',
]);

/** True when the database cannot be reached or is overloaded (→ SERVICE_UNAVAILABLE, not a bug). */
export function isUnavailable(error: unknown): boolean {
  const { code, errno } = driverErrorOf(error);
  if (code && CONNECTION_CODES.has(code)) return true;
  if (errno === 2002 || errno === 2003 || errno === 2013 || errno === 1040) return true;
  const message = error instanceof Error ? error.message : String((error as { message?: unknown })?.message ?? '');
  return /Pool is closed|connection is in closed state|Can't add new command when connection is in closed state|database connection is not open|Connection is not established/i.test(message);
}

/**
 * The one way the services write. SQLite: TypeORM's better-sqlite3 driver shares one query runner, so
 * concurrent transactions would interleave on it; an in-process mutex serializes them (SQLite has one
 * writer anyway). MySQL/MariaDB: real transactions, retried on deadlock or lock-wait timeout.
 */
export class Database {
  readonly engine: Engine;
  /** Which server dialect details apply (recursion limits differ between MySQL and MariaDB). */
  readonly flavor: 'sqlite' | 'mysql' | 'mariadb';
  private readonly writeLock = new Mutex();

  /** Marks the async context of a running SQLite write transaction (its own statements pass the lock). */
  private readonly inTransaction = new AsyncLocalStorage<true>();

  constructor(readonly dataSource: DataSource) {
    this.engine = dataSource.options.type === 'better-sqlite3' ? 'sqlite' : 'mysql';
    this.flavor = dataSource.options.type === 'better-sqlite3' ? 'sqlite' : dataSource.options.type === 'mariadb' ? 'mariadb' : 'mysql';
    if (this.engine === 'sqlite') this.isolateReads();
  }

  /**
   * TypeORM's better-sqlite3 driver runs every statement on one shared connection, so a read issued while
   * another request's transaction is open would see its uncommitted rows. Statements from outside the
   * transaction wait for it to end (SQLite executes one statement at a time anyway).
   */
  private isolateReads(): void {
    const runner = this.dataSource.driver.createQueryRunner('master');
    const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
    runner.query = ((...args: unknown[]) =>
      this.inTransaction.getStore() ? query(...args) : this.writeLock.runExclusive(() => query(...args))) as typeof runner.query;
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  async transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (this.engine === 'sqlite') {
      return this.writeLock.runExclusive(() => this.inTransaction.run(true, () => this.dataSource.transaction(work)));
    }
    const attempts = 8;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(work);
      } catch (error) {
        const { errno } = driverErrorOf(error);
        if (attempt >= attempts || errno === undefined || !MYSQL_RETRYABLE.has(errno)) throw error;
        await sleep(Math.random() * 10 * 2 ** attempt);
      }
    }
  }

  /** Takes the row lock that serializes writers of one aggregate (a no-op on SQLite: writes are serial). */
  lockClause(): 'pessimistic_write' | undefined {
    return this.engine === 'mysql' ? 'pessimistic_write' : undefined;
  }

  /** The same lock as TypeORM find options, to spread into `findOne({ where, ...db.lockOption() })`. */
  lockOption(): { lock?: { mode: 'pessimistic_write' } } {
    return this.engine === 'mysql' ? { lock: { mode: 'pessimistic_write' } } : {};
  }

  /** A timestamp as a raw-SQL parameter: SQLite stores UTC text (as TypeORM writes it), MySQL takes a Date. */
  dateParam(date: Date): Date | string {
    return this.engine === 'sqlite' ? DateUtils.mixedDateToUtcDatetimeString(date) as string : date;
  }

  async ping(): Promise<boolean> {
    try {
      await this.dataSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }
}
