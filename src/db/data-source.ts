import 'reflect-metadata';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataSource, type DataSourceOptions, type Logger as TypeOrmLogger, type MixedList, type EntitySchema } from 'typeorm';
import { MIGRATIONS } from './migrations';

export type Engine = 'mysql' | 'sqlite';

export type DatabaseTarget =
  | { engine: 'sqlite'; path: string }
  | { engine: 'mysql'; url: string; database: string; flavor?: 'mysql' | 'mariadb' };

/** `mysql://…` / `mariadb://…` → MySQL-compatible server; `sqlite:PATH` or `sqlite::memory:` → embedded. */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (!path) throw new Error('DATABASE_URL: sqlite: needs a path, or :memory:');
    return { engine: 'sqlite', path };
  }
  const parsed = new URL(url);
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new Error('DATABASE_URL: must start with mysql://, mariadb:// or sqlite:');
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database) throw new Error('DATABASE_URL: name the database, e.g. mysql://root@127.0.0.1:3306/modelgraph');
  parsed.protocol = 'mysql:';
  return { engine: 'mysql', url: parsed.toString(), database };
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityList = MixedList<Function | string | EntitySchema>;

export function dataSourceOptions(target: DatabaseTarget, entities: EntityList, logger?: TypeOrmLogger): DataSourceOptions {
  const common = { entities, migrations: MIGRATIONS, synchronize: false, logger, logging: !!logger };
  if (target.engine === 'sqlite') {
    if (target.path !== ':memory:') ensureDirectory(dirname(resolve(target.path)));
    return {
      ...common,
      type: 'better-sqlite3',
      database: target.path,
      enableWAL: target.path !== ':memory:',
      timeout: 10_000,
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('foreign_keys = ON');
      },
    };
  }
  return {
    ...common,
    // TypeORM reads MariaDB's catalog differently (JSON as longtext, DEFAULT NULL): name the flavor.
    type: target.flavor ?? 'mysql',
    url: target.url,
    timezone: 'Z',
    charset: 'utf8mb4_bin',
    supportBigNumbers: true,
    bigNumberStrings: false,
    extra: { connectionLimit: 20, connectTimeout: 5_000, enableKeepAlive: true },
  };
}

/**
 * Creates the SQLite file's directory one level at a time. `mkdirSync(…, { recursive: true })` loops
 * forever where mkdir says ENOENT under an existing parent (`/proc/x`); here every failure is one clear error.
 */
function ensureDirectory(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    const stat = statSync(d, { throwIfNoEntry: false });
    if (stat) {
      if (!stat.isDirectory()) throw new Error(`DATABASE_URL: ${d} is not a directory`);
      break;
    }
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (error) {
      throw new Error(`DATABASE_URL: cannot create the directory ${d} for the SQLite file (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
}

export function createDataSource(target: DatabaseTarget, entities: EntityList, logger?: TypeOrmLogger): DataSource {
  return new DataSource(dataSourceOptions(target, entities, logger));
}

/** Asks a MySQL-compatible server which flavor it is (one short connection at start). */
export async function detectFlavor(target: DatabaseTarget): Promise<DatabaseTarget> {
  if (target.engine !== 'mysql') return target;
  const { createConnection } = await import('mysql2/promise');
  const conn = await createConnection({ uri: target.url, connectTimeout: 5_000 });
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    const version = String((rows as { v: string }[])[0]?.v ?? '');
    return { ...target, flavor: /mariadb/i.test(version) ? 'mariadb' : 'mysql' };
  } finally {
    await conn.end();
  }
}
