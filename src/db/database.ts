import { AsyncLocalStorage } from 'node:async_hooks';
import { Mutex } from 'async-mutex';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource, EntityManager } from 'typeorm';
import { DateUtils } from 'typeorm/util/DateUtils';
import type { Engine } from './data-source';
import { currentDeadline } from './deadline';
import { driverErrorOf, isStorageFailure, StorageStateError } from './errors';
import { SqliteConnection } from './sqlite-connection';
import { WriteHealth } from './write-health';

export { isUnavailable, isStorageFailure, isDeadlineExceeded } from './errors';

const MYSQL_RETRYABLE = new Set([1213 /* deadlock */, 1205 /* lock wait timeout */]);

export function isUniqueViolation(error: unknown): boolean {
  const { code, errno } = driverErrorOf(error);
  return errno === 1062 || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
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
  /** Whether writes are currently being made durable (see WriteHealth; /ready reports it). */
  readonly writes = new WriteHealth();
  private readonly sqlite: SqliteConnection | undefined;

  /** Marks the async context of a running SQLite write transaction (its own statements pass the lock). */
  private readonly inTransaction = new AsyncLocalStorage<true>();

  constructor(readonly dataSource: DataSource) {
    this.engine = dataSource.options.type === 'better-sqlite3' ? 'sqlite' : 'mysql';
    this.flavor = dataSource.options.type === 'better-sqlite3' ? 'sqlite' : dataSource.options.type === 'mariadb' ? 'mariadb' : 'mysql';
    this.sqlite = this.engine === 'sqlite' ? new SqliteConnection(dataSource) : undefined;
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
    if (this.sqlite) {
      const sqlite = this.sqlite;
      return this.writeLock.runExclusive(() => this.inTransaction.run(true, () => this.sqliteTransaction(sqlite, work)));
    }
    const attempts = 8;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.tracked(work);
      } catch (error) {
        const { errno } = driverErrorOf(error);
        if (attempt >= attempts || errno === undefined || !MYSQL_RETRYABLE.has(errno)) throw error;
        await sleep(Math.random() * 10 * 2 ** attempt);
      }
    }
  }

  /**
   * A write is acknowledged only after a COMMIT that SQLite really performed: the connection is checked
   * before (no transaction left open by an earlier failure) and after (the COMMIT closed the transaction),
   * and put back into a known state after any failure.
   */
  private async sqliteTransaction<T>(sqlite: SqliteConnection, work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (!sqlite.isClean()) await sqlite.reset();
    try {
      const result = await this.tracked(work);
      if (sqlite.inTransaction()) throw new StorageStateError('NOT_COMMITTED', 'the transaction was not committed');
      return result;
    } catch (error) {
      if (!sqlite.isClean()) await sqlite.reset();
      if (error instanceof StorageStateError && error.code === 'NOT_COMMITTED') this.writes.failed(error);
      throw error;
    }
  }

  /** One transaction attempt: honours the request deadline before COMMIT and keeps the write health. */
  private async tracked<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    let commitDone: (() => void) | undefined;
    try {
      const result = await this.dataSource.transaction(async (em) => {
        const value = await work(em);
        commitDone = currentDeadline()?.beginCommit();
        return value;
      });
      this.writes.committed();
      return result;
    } catch (error) {
      if (isStorageFailure(error)) this.writes.failed(error);
      throw error;
    } finally {
      commitDone?.();
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

  private readiness: Promise<boolean> | undefined;

  /**
   * For /ready: the database answers, and writes can be made durable (while a storage error stands, a
   * write probe decides). Answers false after `timeoutMs` whatever the database does; concurrent callers
   * share one check, so a frozen database does not collect a pile of them.
   */
  async ready(timeoutMs: number): Promise<boolean> {
    this.readiness ??= this.checkReadiness().finally(() => (this.readiness = undefined));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([this.readiness, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async checkReadiness(): Promise<boolean> {
    if (!(await this.ping())) return false;
    if (this.writes.ok) return true;
    try {
      await this.transaction((em) => this.probeWrite(em));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A write that leaves nothing behind yet needs what real writes need. SQLite: a new table and a page of
   * data (allocating pages, as inserts do) dropped again, committed (growing the write-ahead log).
   * MySQL/MariaDB: a write statement on a real table (refused while the server is read-only).
   */
  private async probeWrite(em: EntityManager): Promise<void> {
    if (this.engine === 'sqlite') {
      await em.query('CREATE TABLE "write_probe" ("b" blob)');
      await em.query('INSERT INTO "write_probe" VALUES (zeroblob(8192))');
      await em.query('DROP TABLE "write_probe"');
      return;
    }
    const table = this.dataSource.options.migrationsTableName ?? 'migrations';
    await em.query(`DELETE FROM \`${table}\` WHERE 1 = 0`);
  }
}
