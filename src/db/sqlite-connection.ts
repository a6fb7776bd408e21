import type BetterSqlite3 from 'better-sqlite3';
import type { DataSource } from 'typeorm';

/** The parts of TypeORM 1.1.1's better-sqlite3 driver and its single shared query runner used here. */
interface SqliteDriver {
  databaseConnection: BetterSqlite3.Database;
  createDatabaseConnection(): Promise<BetterSqlite3.Database>;
  createQueryRunner(mode: 'master'): SqliteRunner;
}

interface SqliteRunner {
  isTransactionActive: boolean;
  transactionDepth: number;
  stmtCache?: Map<string, unknown>;
}

/**
 * Keeps TypeORM's view of the SQLite connection and the connection itself in agreement.
 *
 * When a COMMIT, RELEASE or ROLLBACK fails (SQLITE_FULL, SQLITE_IOERR_*: SQLite may already have rolled the
 * whole transaction back), TypeORM's runner keeps `isTransactionActive` and its `transactionDepth`, so the next
 * transaction becomes a SAVEPOINT; once a ROLLBACK TO leaves that savepoint open, every later "commit" only
 * releases a nested savepoint inside a transaction that never commits: answered, visible, lost on restart.
 */
export class SqliteConnection {
  constructor(private readonly dataSource: DataSource) {}

  private get driver(): SqliteDriver {
    return this.dataSource.driver as unknown as SqliteDriver;
  }

  private get runner(): SqliteRunner {
    return this.driver.createQueryRunner('master');
  }

  /** No transaction open, neither in SQLite nor in TypeORM's runner. */
  isClean(): boolean {
    const runner = this.runner;
    return !this.driver.databaseConnection.inTransaction && !runner.isTransactionActive && runner.transactionDepth === 0;
  }

  /** SQLite itself still holds a transaction open (after what TypeORM took for a COMMIT). */
  inTransaction(): boolean {
    return this.driver.databaseConnection.inTransaction;
  }

  /**
   * Back to a known state: roll back whatever SQLite still holds open (on the raw handle, bypassing the
   * runner's bookkeeping), and if even that fails, close the connection and open a fresh one.
   */
  async reset(): Promise<void> {
    const raw = this.driver.databaseConnection;
    if (raw.inTransaction) {
      try {
        raw.exec('ROLLBACK');
      } catch {
        // checked below: a connection that cannot roll back is replaced
      }
    }
    if (raw.inTransaction && raw.name !== ':memory:') await this.reopen();
    const runner = this.runner;
    runner.isTransactionActive = false;
    runner.transactionDepth = 0;
  }

  private async reopen(): Promise<void> {
    const driver = this.driver;
    try {
      driver.databaseConnection.close();
    } catch {
      // a connection that failed this badly may not close cleanly; the new one is what matters
    }
    driver.databaseConnection = await driver.createDatabaseConnection();
    // Prepared statements belong to the closed connection.
    this.runner.stmtCache?.clear();
  }
}
