import type { Logger as TypeOrmLogger } from 'typeorm';
import type { Logger } from 'pino';
import { AsyncSlot } from '../common/async-slot';

/** Statements issued inside a `countQueries` scope, counted through the TypeORM logger. */
interface QueryScope {
  statements: string[];
}

const scopes = new AsyncSlot<QueryScope>('statement count');

export async function countQueries<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const scope: QueryScope = { statements: [] };
  const result = await scopes.run(scope, fn);
  return { result, statements: scope.statements };
}

const TRANSACTION_CONTROL = /^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|SET TRANSACTION)/i;

/** Sends SQL to the count scope (if any) and, when asked, to the application log. Never to clients. */
export class QueryLogger implements TypeOrmLogger {
  constructor(
    private readonly appLog: Logger,
    private readonly logStatements: boolean,
  ) {}

  logQuery(query: string): void {
    const scope = scopes.getStore();
    if (scope && !TRANSACTION_CONTROL.test(query.trim())) scope.statements.push(query);
    if (this.logStatements) this.appLog.debug({ sql: query }, 'sql');
  }

  logQueryError(error: string | Error, query: string): void {
    this.appLog.debug({ sql: query, err: error }, 'sql failed');
  }

  logQuerySlow(time: number, query: string): void {
    this.appLog.warn({ sql: query, ms: time }, 'slow sql');
  }

  logSchemaBuild(message: string): void {
    this.appLog.debug(message);
  }

  logMigration(message: string): void {
    this.appLog.info(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.appLog.warn({ message }, 'typeorm');
    else this.appLog.debug({ message }, 'typeorm');
  }
}
