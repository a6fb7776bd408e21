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

/** Bounds on every statement (ms): the server's own statement timeout, and connecting. */
export interface StatementTimeouts {
  statementMs: number;
  connectMs: number;
}

export const DEFAULT_TIMEOUTS: StatementTimeouts = { statementMs: 10_000, connectMs: 5_000 };

/** The client gives the server this long past its own statement timeout before abandoning the connection. */
const CLIENT_GRACE_MS = 2_000;

export function dataSourceOptions(target: DatabaseTarget, entities: EntityList, logger?: TypeOrmLogger,
  timeouts: StatementTimeouts = DEFAULT_TIMEOUTS): DataSourceOptions {
  const common = { entities, migrations: MIGRATIONS, synchronize: false, logger, logging: !!logger };
  if (target.engine === 'sqlite') {
    if (target.path !== ':memory:') ensureDirectory(dirname(resolve(target.path)));
    return {
      ...common,
      type: 'better-sqlite3',
      database: target.path,
      enableWAL: target.path !== ':memory:',
      // busy_timeout: how long a statement waits for another process's lock before SQLITE_BUSY.
      timeout: timeouts.statementMs,
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
    // mysql2 captures a stack trace for every statement otherwise (only to decorate a failing one's error).
    trace: false,
    // mysql2 abandons (and closes) a connection whose answer is this late: a frozen server cannot hold a
    // request forever. The server-side timeout (see boundSessions) normally answers first.
    maxQueryExecutionTime: timeouts.statementMs + CLIENT_GRACE_MS,
    enableQueryTimeout: true,
    extra: { connectionLimit: 20, connectTimeout: timeouts.connectMs, enableKeepAlive: true },
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

export function createDataSource(target: DatabaseTarget, entities: EntityList, logger?: TypeOrmLogger,
  timeouts: StatementTimeouts = DEFAULT_TIMEOUTS): DataSource {
  const dataSource = new DataSource(dataSourceOptions(target, entities, logger, timeouts));
  if (target.engine === 'mysql') boundSessions(dataSource, target.flavor ?? 'mysql', timeouts.statementMs);
  return dataSource;
}

interface PoolConnection {
  query(sql: string, callback: (error: Error | null) => void): unknown;
}
interface Mysql2Module {
  createPool(options: object): { on(event: 'connection', listener: (connection: PoolConnection) => void): unknown };
}

/**
 * Every pooled connection gets the server-side statement timeout as a session variable, before its first
 * statement (mysql2 runs a connection's commands in order): MariaDB's `max_statement_time` bounds every
 * statement, MySQL's `max_execution_time` bounds SELECTs. A statement over it fails (1969 / 3024).
 */
function boundSessions(dataSource: DataSource, flavor: 'mysql' | 'mariadb', statementMs: number): void {
  const driver = dataSource.driver as unknown as { mysql: Mysql2Module };
  const mysql2 = driver.mysql;
  const sql = flavor === 'mariadb'
    ? `SET SESSION max_statement_time = ${(statementMs / 1000).toFixed(3)}`
    : `SET SESSION max_execution_time = ${Math.round(statementMs)}`;
  driver.mysql = {
    ...mysql2,
    createPool: (options: object) => {
      const pool = mysql2.createPool(options);
      // A failure here surfaces on the connection's next statement, which is where it is handled.
      pool.on('connection', (connection) => connection.query(sql, () => undefined));
      return pool;
    },
  };
}

/** Asks a MySQL-compatible server which flavor it is (one short connection at start). */
export async function detectFlavor(target: DatabaseTarget, connectMs = DEFAULT_TIMEOUTS.connectMs): Promise<DatabaseTarget> {
  if (target.engine !== 'mysql') return target;
  const { createConnection } = await import('mysql2/promise');
  const conn = await createConnection({ uri: target.url, connectTimeout: connectMs });
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    const version = String((rows as { v: string }[])[0]?.v ?? '');
    return { ...target, flavor: /mariadb/i.test(version) ? 'mariadb' : 'mysql' };
  } finally {
    await conn.end();
  }
}
