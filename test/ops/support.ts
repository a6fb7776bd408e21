import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { createTestDatabase } from '../support/database';
import type { ServerDatabase } from '../support/http';

export type Row = Record<string, unknown>;

/** A database nothing has migrated yet: a fresh MariaDB/MySQL database (TEST_DATABASE_URL) or a new SQLite file. */
export async function createEmptyDatabase(): Promise<ServerDatabase> {
  const shared = await createTestDatabase();
  if (shared.engine === 'mysql') return shared;
  const dir = mkdtempSync(join(tmpdir(), 'modelgraph-ops-'));
  const file = join(dir, 'registry.db');
  return { url: `sqlite:${file}`, engine: 'sqlite', file, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** One SQL query on a database URL (sqlite:FILE or mysql://…), outside the app. */
export async function queryUrl(url: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  if (url.startsWith('sqlite:')) {
    const db = new Sqlite(url.slice('sqlite:'.length), { readonly: true });
    try {
      return db.prepare(sql).all(...params) as Row[];
    } finally {
      db.close();
    }
  }
  const uri = new URL(url);
  uri.protocol = 'mysql:';
  const { createConnection } = await import('mysql2/promise');
  const conn = await createConnection({ uri: uri.toString() });
  try {
    const [rows] = await conn.query(sql, params);
    return rows as Row[];
  } finally {
    await conn.end();
  }
}

/**
 * Takes the lock the registry migrates under (src/db/migration-lock.ts) as another process would, until the
 * returned function is called: GET_LOCK on MySQL/MariaDB, an exclusive transaction on the SQLite lock file.
 */
export async function holdMigrationLock(database: ServerDatabase): Promise<() => Promise<void>> {
  if (database.engine === 'sqlite') {
    const lock = new Sqlite(`${database.url.slice('sqlite:'.length)}.migrations-lock`);
    lock.exec('BEGIN EXCLUSIVE');
    return async () => {
      lock.exec('ROLLBACK');
      lock.close();
    };
  }
  const uri = new URL(database.url);
  uri.protocol = 'mysql:';
  const { createConnection } = await import('mysql2/promise');
  const conn = await createConnection({ uri: uri.toString() });
  const [rows] = await conn.query("SELECT GET_LOCK(LEFT(CONCAT(DATABASE(), '.migrations'), 64), 0) AS got");
  if (Number((rows as Row[])[0].got) !== 1) throw new Error('the migration lock is taken');
  return async () => {
    await conn.query("SELECT RELEASE_LOCK(LEFT(CONCAT(DATABASE(), '.migrations'), 64))");
    await conn.end();
  };
}
