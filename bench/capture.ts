import { AsyncLocalStorage } from 'node:async_hooks';
import type { ExecutionResult } from 'graphql';
import type { RegistryApp } from '../src/app';
import { countQueries } from '../src/db/query-log';

/** One SQL statement as the server sent it: text and bound parameters. */
export interface Statement {
  sql: string;
  parameters: unknown[];
}

const CONTROL = /^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|SET TRANSACTION)/i;

/**
 * Runs operations through the in-process registry (the same schema, resolvers and loaders the HTTP server
 * runs) and records the statements each one issues, with their parameters, so the floor can replay them.
 * The count is cross-checked with `countQueries`, the counter the test suite asserts with.
 */
export class StatementCapture {
  /** The statements of the operation being captured, in its own async scope: background work (the audit sealer,
   * the webhook dispatcher, the open-mode token re-check) issues statements of its own meanwhile. */
  private readonly scope = new AsyncLocalStorage<Statement[]>();

  constructor(private readonly app: RegistryApp) {
    const logger = app.db.dataSource.logger;
    const original = logger.logQuery.bind(logger);
    logger.logQuery = (query, parameters, queryRunner) => {
      const current = this.scope.getStore();
      if (current && !CONTROL.test(query.trim())) current.push({ sql: query, parameters: Array.isArray(parameters) ? [...parameters] : [] });
      return original(query, parameters, queryRunner);
    };
  }

  async run(query: string, variables: Record<string, unknown> = {}): Promise<Statement[]> {
    const captured: Statement[] = [];
    // (awaited: the context is built asynchronously once callers are authenticated)
    const { result, statements } = await this.scope.run(captured, () => countQueries(async () => this.app.apollo.executeOperation(
      { query, variables }, { contextValue: await this.app.context({ headers: { 'x-actor': 'bench' } }) })));
    if (result.body.kind !== 'single') throw new Error('unexpected incremental delivery');
    const single = result.body.singleResult as ExecutionResult;
    if (single.errors?.length) throw new Error(`GraphQL error: ${single.errors[0].message}`);
    if (statements.length !== captured.length) {
      throw new Error(`statement counts disagree: countQueries ${statements.length}, captured ${captured.length}`);
    }
    return captured;
  }
}
