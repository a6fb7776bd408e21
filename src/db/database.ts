import { Mutex } from 'async-mutex';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource, EntityManager } from 'typeorm';
import { DateUtils } from 'typeorm/util/DateUtils';
import { AsyncSlot } from '../common/async-slot';
import type { Engine } from './data-source';
import { currentDeadline } from './deadline';
import { currentReadRoute } from './read-route';
import type { ReplicaSet, ReplicaState } from './replicas';
import { driverErrorOf, isStorageFailure, StorageStateError } from './errors';
import { SqliteConnection } from './sqlite-connection';
import { WriteHealth } from './write-health';

export { isUnavailable, isStorageFailure, isDeadlineExceeded } from './errors';

const MYSQL_RETRYABLE = new Set([1213 /* deadlock */, 1205 /* lock wait timeout */]);

export function isUniqueViolation(error: unknown): boolean {
  const { code, errno } = driverErrorOf(error);
  return errno === 1062 || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** The transaction an async context runs in: open from BEGIN until it ends; `em` once TypeORM gives it. */
interface TransactionScope {
  open: boolean;
  em?: EntityManager;
  /** Rows locked so far (see common/lock.ts), so a row another lock depends on is locked only once. */
  locked: Set<string>;
  /** Called once the transaction has committed (never after a rollback or a failed attempt). */
  committed: (() => void)[];
}

/**
 * The one way the services write, and the home of transactions (rows are locked with `lock()` in
 * common/lock.ts, which also states the lock order). The current transaction travels in an
 * AsyncLocalStorage: `manager` is its EntityManager inside one, and `transaction()` called inside one
 * joins it, so services call each other freely and everything commits or rolls back together. Only the
 * outermost call begins, commits and retries.
 * SQLite: TypeORM's better-sqlite3 driver shares one query runner, so concurrent transactions would
 * interleave on it; an in-process mutex serializes them (SQLite has one writer anyway). MySQL/MariaDB: real
 * transactions, retried as a whole on deadlock or lock-wait timeout.
 */
export class Database {
  readonly engine: Engine;
  /** Which server dialect details apply (recursion limits differ between MySQL and MariaDB). */
  readonly flavor: 'sqlite' | 'mysql' | 'mariadb';
  private readonly writeLock = new Mutex();
  /** Whether writes are currently being made durable (see WriteHealth; /ready reports it). */
  readonly writes = new WriteHealth();
  private readonly sqlite: SqliteConnection | undefined;

  /** The transaction of the current async context (on SQLite, its own statements pass the write lock). */
  private readonly scope = new AsyncSlot<TransactionScope>('transaction');

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
      this.scope.getStore()?.open ? query(...args) : this.writeLock.runExclusive(() => query(...args))) as typeof runner.query;
  }

  /** Read replicas (DATABASE_READ_URLS), if any: see `manager`. */
  private replicas: ReplicaSet | undefined;

  /**
   * Inside a transaction, its EntityManager; outside, the data source's (each statement on its own) — or,
   * in a query-only request (read route `replica`, see read-route.ts), a healthy read replica's when there
   * is one. So a transaction and everything a mutation's request reads stay on the primary.
   */
  get manager(): EntityManager {
    const inTransaction = this.current();
    if (inTransaction) return inTransaction;
    if (this.replicas && currentReadRoute() === 'replica' && !this.scope.getStore()?.open) {
      return this.replicas.manager() ?? this.dataSource.manager;
    }
    return this.dataSource.manager;
  }

  /** Routes query-only requests' reads to these replicas from now on. */
  useReplicas(replicas: ReplicaSet): void {
    this.replicas = replicas;
  }

  /** Each read replica's state (empty without replicas); /ready does not depend on them. */
  replicaStates(): ReplicaState[] {
    return this.replicas?.states() ?? [];
  }

  /** Whether this async context runs inside a transaction. */
  get inTransaction(): boolean {
    return this.current() !== undefined;
  }

  /** The keys of the rows the current transaction has locked; undefined outside a transaction. */
  get lockedRows(): Set<string> | undefined {
    const scope = this.scope.getStore();
    return scope?.open && scope.em ? scope.locked : undefined;
  }

  /**
   * Runs `callback` once the current transaction has committed; dropped if it rolls back (a retried
   * attempt starts with none). A callback must not throw, and must leave the caller's async context itself
   * if its work should not count as the caller's (see AuditSealer.wake).
   */
  afterCommit(callback: () => void): void {
    const scope = this.scope.getStore();
    if (!scope?.open) throw new Error('afterCommit() outside a transaction');
    scope.committed.push(callback);
  }

  private current(): EntityManager | undefined {
    const scope = this.scope.getStore();
    return scope?.open ? scope.em : undefined;
  }

  /**
   * Runs `work` in a transaction and returns its result; a failure rolls all of it back. Called inside a
   * transaction, `work` joins it: no nested BEGIN or savepoint, no second turn of the SQLite write lock,
   * no retry of its own (a deadlock aborts the whole transaction, which the outermost call retries).
   */
  async transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const joined = this.current();
    if (joined) return work(joined);
    if (this.sqlite) {
      const sqlite = this.sqlite;
      return this.writeLock.runExclusive(() => this.scoped(work, (scoped) => this.sqliteTransaction(sqlite, scoped)));
    }
    const attempts = 8;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.scoped(work, (scoped) => this.tracked(scoped));
      } catch (error) {
        const { errno } = driverErrorOf(error);
        if (attempt >= attempts || errno === undefined || !MYSQL_RETRYABLE.has(errno)) throw error;
        await sleep(Math.random() * 10 * 2 ** attempt);
      }
    }
  }

  /**
   * Runs `run` in a new transaction scope, open until `run` settles (async work it leaves behind then no
   * longer counts as inside the transaction); the work it is given publishes its EntityManager first.
   */
  private scoped<T>(work: (em: EntityManager) => Promise<T>, run: (work: (em: EntityManager) => Promise<T>) => Promise<T>): Promise<T> {
    const scope: TransactionScope = { open: true, locked: new Set(), committed: [] };
    const published = (em: EntityManager) => {
      scope.em = em;
      return work(em);
    };
    return this.scope.run(scope, () => run(published)).finally(() => (scope.open = false)).then((result) => {
      for (const callback of scope.committed) {
        try {
          callback();
        } catch {
          // The transaction has committed: what runs after it can no longer fail it.
        }
      }
      return result;
    });
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
