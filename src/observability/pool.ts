import type { Database } from '../db/database';

/** The parts of a mysql2 pool read for metrics (its own fields: mysql2 exposes no counters). */
interface Mysql2Pool {
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
}

/** Connections of the database's pool by state; SQLite has one connection (`total` 1). */
export function poolState(db: Database): Record<string, number> {
  if (db.engine === 'sqlite') return { total: 1 };
  const pool = (db.dataSource.driver as unknown as { pool?: Mysql2Pool }).pool;
  const all = pool?._allConnections?.length ?? 0;
  const idle = pool?._freeConnections?.length ?? 0;
  return { total: all, in_use: all - idle, idle, waiting: pool?._connectionQueue?.length ?? 0 };
}
