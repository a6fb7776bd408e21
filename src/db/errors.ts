/** Classifying driver errors: which ones mean "the database cannot serve this now" rather than a bug. */

export interface DriverError {
  code?: string;
  errno?: number;
}

export function driverErrorOf(error: unknown): DriverError {
  const e = error as { driverError?: DriverError; thrownValue?: DriverError } & DriverError;
  // graphql-js wraps a non-Error throw (mysql2 rejects with plain objects at times) in `thrownValue`.
  return e?.driverError ?? e?.thrownValue ?? e ?? {};
}

/** Raised by this layer itself; `code` keeps them apart from driver errors. */
export class StorageStateError extends Error {
  constructor(
    readonly code: 'NOT_COMMITTED' | 'DEADLINE_EXCEEDED',
    message: string,
  ) {
    super(message);
    this.name = 'StorageStateError';
  }
}

/**
 * Storage that cannot take writes: full, read-only, failing I/O or corrupt. SQLite codes are matched by
 * prefix so every extended code (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED, …) counts.
 */
const SQLITE_STORAGE = /^SQLITE_(IOERR|FULL|READONLY|CORRUPT|NOTADB|CANTOPEN)/;
const MYSQL_STORAGE = new Set([
  1114, // ER_RECORD_FILE_FULL: the table is full
  1021, // ER_DISK_FULL
  1030, // ER_GET_ERRNO: the storage engine failed (e.g. errno 28, no space)
  1015, // ER_CANT_LOCK
  1290, // ER_OPTION_PREVENTS_STATEMENT: --read-only
  1836, // ER_READ_ONLY_MODE
  1792, // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
  1036, // ER_OPEN_AS_READONLY
  1180, // ER_ERROR_DURING_COMMIT
]);

/** The database is reachable but cannot make a write durable (→ SERVICE_UNAVAILABLE, /ready 503). */
export function isStorageFailure(error: unknown): boolean {
  const { code, errno } = driverErrorOf(error);
  if (error instanceof StorageStateError) return error.code === 'NOT_COMMITTED';
  if (code && SQLITE_STORAGE.test(code)) return true;
  return errno !== undefined && MYSQL_STORAGE.has(errno);
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_CON_COUNT_ERROR', 'POOL_CLOSED',
]);

const MYSQL_UNAVAILABLE = new Set([
  2002, 2003, 2006, 2013, // cannot connect, server gone, lost connection
  1040, // too many connections
  1053, // server shutdown in progress
  1927, // ER_CONNECTION_KILLED
  1317, // ER_QUERY_INTERRUPTED (KILL QUERY)
  1969, // ER_STATEMENT_TIMEOUT (MariaDB max_statement_time)
  3024, // ER_QUERY_TIMEOUT (MySQL max_execution_time)
  1205, 1213, // lock wait timeout / deadlock still failing after the retries
]);

const CLOSED = /Pool is closed|connection is in closed state|Can't add new command when connection is in closed state|database connection is not open|Connection is not established|Connection lost/i;

/** True when the database cannot be reached, is overloaded, too slow or cannot store (→ SERVICE_UNAVAILABLE, not a bug). */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof StorageStateError) return true;
  if (isStorageFailure(error)) return true;
  const { code, errno } = driverErrorOf(error);
  if (code && (CONNECTION_CODES.has(code) || /^SQLITE_(BUSY|LOCKED|PROTOCOL)/.test(code))) return true;
  if (errno !== undefined && MYSQL_UNAVAILABLE.has(errno)) return true;
  const message = error instanceof Error ? error.message : String((error as { message?: unknown })?.message ?? '');
  return CLOSED.test(message);
}

const MYSQL_CONNECTION = new Set([2002, 2003, 2006, 2013, 1040, 1053, 1927]);

/**
 * The server could not be reached or dropped the connection (not: the statement failed or was too slow),
 * so the same read may be sent to another server (see db/replicas.ts).
 */
export function isConnectionError(error: unknown): boolean {
  const { code, errno } = driverErrorOf(error);
  if (code && CONNECTION_CODES.has(code)) return true;
  if (errno !== undefined && MYSQL_CONNECTION.has(errno)) return true;
  const message = error instanceof Error ? error.message : String((error as { message?: unknown })?.message ?? '');
  return CLOSED.test(message);
}

/** A request's own deadline passed (reported as SERVICE_UNAVAILABLE with its own message). */
export function isDeadlineExceeded(error: unknown): boolean {
  return error instanceof StorageStateError && error.code === 'DEADLINE_EXCEEDED';
}
