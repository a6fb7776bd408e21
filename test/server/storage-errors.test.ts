import { GraphQLError } from 'graphql';
import { ConfigError, loadConfig } from '../../src/config';
import { StorageStateError } from '../../src/db/errors';
import { formatError } from '../../src/server';

/**
 * Every class of storage error is SERVICE_UNAVAILABLE (never a masked INTERNAL_SERVER_ERROR), and the new
 * timeout and capacity variables are validated like the others.
 */

/** A driver error as TypeORM wraps it (QueryFailedError keeps the driver's error in `driverError`), thrown in a resolver. */
function fromResolver(driverError: { code?: string; errno?: number; message?: string }): GraphQLError {
  const wrapped = Object.assign(new Error('query failed'), { driverError });
  return new GraphQLError('query failed', { originalError: wrapped, path: ['createExperiment'] });
}

const code = (error: GraphQLError) => formatError({ message: error.message, path: error.path }, error).extensions?.code;

describe('storage errors are SERVICE_UNAVAILABLE', () => {
  it.each([
    ['SQLite disk full', { code: 'SQLITE_FULL' }],
    ['SQLite write I/O error', { code: 'SQLITE_IOERR_WRITE' }],
    ['SQLite fsync error', { code: 'SQLITE_IOERR_FSYNC' }],
    ['SQLite generic I/O error', { code: 'SQLITE_IOERR' }],
    ['SQLite read-only', { code: 'SQLITE_READONLY' }],
    ['SQLite file moved', { code: 'SQLITE_READONLY_DBMOVED' }],
    ['SQLite corrupt', { code: 'SQLITE_CORRUPT' }],
    ['SQLite not a database', { code: 'SQLITE_NOTADB' }],
    ['SQLite busy', { code: 'SQLITE_BUSY' }],
    ['MySQL table full (1114)', { code: 'ER_RECORD_FILE_FULL', errno: 1114 }],
    ['MySQL disk full (1021)', { code: 'ER_DISK_FULL', errno: 1021 }],
    ['MySQL read-only (1290)', { code: 'ER_OPTION_PREVENTS_STATEMENT', errno: 1290 }],
    ['MySQL read-only transaction (1792)', { errno: 1792 }],
    ['MySQL cannot lock (1015)', { errno: 1015 }],
    ['MariaDB max_statement_time (1969)', { errno: 1969 }],
    ['MySQL max_execution_time (3024)', { errno: 3024 }],
    ['connection killed (1927)', { errno: 1927 }],
    ['lost connection (2013)', { errno: 2013 }],
    ['server gone (2006)', { errno: 2006 }],
    ['mysql2 connection lost', { code: 'PROTOCOL_CONNECTION_LOST' }],
    ['mysql2 query timeout', { code: 'PROTOCOL_SEQUENCE_TIMEOUT' }],
  ])('%s', (_name, driverError) => {
    expect(code(fromResolver(driverError))).toBe('SERVICE_UNAVAILABLE');
  });

  it('a commit that did not happen, and a passed deadline, too (with their own messages)', () => {
    const notCommitted = new GraphQLError('x', { originalError: new StorageStateError('NOT_COMMITTED', 'x'), path: ['x'] });
    expect(formatError({ message: 'x', path: ['x'] }, notCommitted)).toEqual({ path: ['x'], message: 'The database is unavailable; try again shortly', extensions: { code: 'SERVICE_UNAVAILABLE' } });
    const late = new GraphQLError('x', { originalError: new StorageStateError('DEADLINE_EXCEEDED', 'x'), path: ['x'] });
    expect(formatError({ message: 'x', path: ['x'] }, late)).toEqual({ path: ['x'], message: 'The request did not finish within its deadline; try again', extensions: { code: 'SERVICE_UNAVAILABLE' } });
  });

  it('a bug stays INTERNAL_SERVER_ERROR (e.g. a missing table, SQLITE_ERROR / 1146)', () => {
    expect(code(fromResolver({ code: 'SQLITE_ERROR' }))).toBe('INTERNAL_SERVER_ERROR');
    expect(code(fromResolver({ code: 'ER_NO_SUCH_TABLE', errno: 1146 }))).toBe('INTERNAL_SERVER_ERROR');
  });
});

describe('timeout and capacity configuration', () => {
  it('has defaults above a load balancer idle timeout and at least 256 requests in flight', () => {
    expect(loadConfig({})).toMatchObject({
      DB_STATEMENT_TIMEOUT_MS: 10_000, DB_CONNECT_TIMEOUT_MS: 5_000, READY_TIMEOUT_MS: 1_500, REQUEST_TIMEOUT_MS: 30_000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 65_000, HTTP_HEADERS_TIMEOUT_MS: 66_000, MAX_CONCURRENT_REQUESTS: 256,
      MAX_QUEUED_REQUESTS: 256, QUEUE_TIMEOUT_MS: 1_000,
    });
  });

  it.each([
    [{ MAX_CONCURRENT_REQUESTS: '0' }, 'MAX_CONCURRENT_REQUESTS'],
    [{ REQUEST_TIMEOUT_MS: 'soon' }, 'REQUEST_TIMEOUT_MS'],
    [{ DB_STATEMENT_TIMEOUT_MS: '-5' }, 'DB_STATEMENT_TIMEOUT_MS'],
    [{ READY_TIMEOUT_MS: '1.5' }, 'READY_TIMEOUT_MS'],
    [{ HTTP_KEEP_ALIVE_TIMEOUT_MS: '70000' }, 'HTTP_HEADERS_TIMEOUT_MS'],
  ])('%j is refused with one message naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message.split('; ')).toHaveLength(1);
    expect(message).toContain(`${variable}: `);
  });
});
