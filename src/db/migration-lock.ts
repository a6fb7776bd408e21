import Sqlite from 'better-sqlite3';
import type { DataSource } from 'typeorm';

/** How long a process waits for another one's migration run (seconds) before giving up its start. */
export const MIGRATION_LOCK_WAIT_S = 300;

/** One GET_LOCK wait (seconds): well under the session's statement timeout (DB_STATEMENT_TIMEOUT_MS). */
const ATTEMPT_WAIT_S = 1;

export class MigrationLockTimeout extends Error {}

/**
 * Runs the pending migrations exactly once however many processes start at once on one database: under a
 * database-wide lock, so the others wait, then find nothing pending.
 *
 * MySQL/MariaDB: `GET_LOCK('<database>.migrations')` on a connection of its own, held until the run ends
 * (the server releases it if this process dies). SQLite: TypeORM reads which migrations ran before it opens
 * a transaction, so two processes could both run the first one; an exclusive transaction on a sibling file
 * (`<file>.migrations-lock`, a tiny SQLite database only this uses) serializes them. `:memory:` is one process's.
 */
export async function runMigrationsLocked(dataSource: DataSource, waitS = MIGRATION_LOCK_WAIT_S): Promise<void> {
  const run = () => dataSource.runMigrations({ transaction: 'each' }).then(() => undefined);
  if (dataSource.options.type === 'better-sqlite3') {
    const file = String(dataSource.options.database);
    if (file === ':memory:') return run();
    return withSqliteLock(`${file}.migrations-lock`, waitS, run);
  }
  const runner = dataSource.createQueryRunner('master');
  await runner.connect();
  try {
    // Asked for in short waits: one long GET_LOCK would outlast the session's statement timeout.
    const deadline = Date.now() + waitS * 1000;
    for (;;) {
      const wait = Math.max(0, Math.min(ATTEMPT_WAIT_S, Math.ceil((deadline - Date.now()) / 1000)));
      const [{ got }] = (await runner.query(
        "SELECT GET_LOCK(LEFT(CONCAT(DATABASE(), '.migrations'), 64), ?) AS got", [wait])) as { got: number | string | null }[];
      if (Number(got) === 1) break;
      if (Date.now() >= deadline) throw new MigrationLockTimeout(`another process held the migration lock for ${waitS} s`);
    }
    try {
      await run();
    } finally {
      await runner.query("SELECT RELEASE_LOCK(LEFT(CONCAT(DATABASE(), '.migrations'), 64))");
    }
  } finally {
    await runner.release();
  }
}

async function withSqliteLock(file: string, waitS: number, work: () => Promise<void>): Promise<void> {
  const lock = new Sqlite(file, { timeout: waitS * 1000 });
  try {
    try {
      lock.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_BUSY') {
        throw new MigrationLockTimeout(`another process held the migration lock (${file}) for ${waitS} s`);
      }
      throw error;
    }
    try {
      await work();
    } finally {
      lock.exec('ROLLBACK');
    }
  } finally {
    lock.close();
  }
}
