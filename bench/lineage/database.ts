import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { createServerDatabase } from '../common';

/** Where `npm run bench:lineage` looks for MariaDB/MySQL when BENCH_DATABASE_URL is unset. */
export const DEFAULT_SERVER_URL = 'mysql://root@127.0.0.1:3306/';

export interface LineageBenchDatabase {
  /** The DATABASE_URL the registry opens. */
  url: string;
  /** What to print: never a password. */
  label: string;
  /** Drops the database (MySQL/MariaDB) or deletes the file this run created (SQLite). Idempotent. */
  drop(): Promise<void>;
}

/** Can a MySQL-compatible server be reached at this URL within a couple of seconds? */
export async function reachable(serverUrl: string): Promise<boolean> {
  const admin = new URL(serverUrl);
  admin.protocol = 'mysql:';
  admin.pathname = '/';
  try {
    const conn = await createConnection({ uri: admin.toString(), connectTimeout: 2_000 });
    await conn.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * The database the benchmark writes to, always private to this run:
 * - mysql://… or mariadb://… names a server: a fresh database `mg_bench_lineage_<random>` is created there
 *   (any database in the URL's path is ignored) and dropped by `drop()`;
 * - sqlite:PATH is a file that must not exist yet (the bench never writes into an existing registry);
 *   it and its -wal/-shm files are deleted by `drop()`; `sqlite:` alone is a file in a temporary directory;
 *   `sqlite::memory:` works too (the registry runs in this process).
 */
export async function createLineageBenchDatabase(serverOrFile: string): Promise<LineageBenchDatabase> {
  if (serverOrFile.startsWith('sqlite:')) return sqliteDatabase(serverOrFile.slice('sqlite:'.length));
  try {
    new URL(serverOrFile);
  } catch {
    throw new Error('BENCH_DATABASE_URL must be mysql://user:pass@host:3306/, mariadb://… or sqlite:PATH');
  }
  return createServerDatabase(serverOrFile, 'mg_bench_lineage');
}

function sqliteDatabase(path: string): LineageBenchDatabase {
  if (path === ':memory:') return { url: 'sqlite::memory:', label: 'sqlite::memory:', drop: async () => undefined };
  let tempDir: string | undefined;
  if (!path) {
    tempDir = mkdtempSync(join(tmpdir(), 'modelgraph-bench-lineage-'));
    path = join(tempDir, 'lineage.db');
  } else if (existsSync(path)) {
    throw new Error(`BENCH_DATABASE_URL: ${path} already exists; name a new file (the benchmark deletes it at the end)`);
  }
  const file = path;
  return {
    url: `sqlite:${file}`,
    label: `sqlite:${file}`,
    drop: async () => {
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}
