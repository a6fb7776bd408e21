import { pino } from 'pino';
import type { ExecutionResult } from 'graphql';
import { RegistryApp } from '../../src/app';
import { defaultQueryLimits, type QueryLimits } from '../../src/config';
import { countQueries } from '../../src/db/query-log';
import { createTestDatabase, type TestDatabase, type TestDatabaseOptions } from './database';

export interface GqlResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** A registry on a private database, driven through the real GraphQL layer (executeOperation). */
export class TestApp {
  private constructor(readonly app: RegistryApp, readonly database: TestDatabase) {}

  /**
   * `fromTemplate: false` starts on an empty database that the app's start migrates from scratch (on
   * MySQL/MariaDB the default is a copy of the run's migrated template: see test/support/template.ts).
   */
  static async start(limits: Partial<QueryLimits> = {}, options: TestDatabaseOptions = {}): Promise<TestApp> {
    const database = await createTestDatabase({ fromTemplate: true, ...options });
    const app = await RegistryApp.create({
      databaseUrl: database.url,
      limits: { ...defaultQueryLimits(), ...limits },
      log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    });
    return new TestApp(app, database);
  }

  get engine(): 'sqlite' | 'mysql' {
    return this.app.db.engine;
  }

  async gql<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<GqlResult<T>> {
    const response = await this.app.apollo.executeOperation(
      { query, variables },
      { contextValue: await this.app.context({ headers }) },
    );
    if (response.body.kind !== 'single') throw new Error('incremental delivery is not used here');
    const result = response.body.singleResult as ExecutionResult;
    return JSON.parse(JSON.stringify(result)) as GqlResult<T>;
  }

  /** Runs the operation and expects no errors; returns data. */
  async ok<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<T> {
    const result = await this.gql<T>(query, variables, headers);
    if (result.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(result.errors, null, 2)}`);
    return result.data as T;
  }

  /** Runs the operation, expects exactly one error, returns it (code, field, message). */
  async fails(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    const result = await this.gql(query, variables, headers);
    if (!result.errors?.length) throw new Error(`expected an error, got ${JSON.stringify(result.data)}`);
    const [error] = result.errors;
    return { code: error.extensions?.code as string, field: error.extensions?.field as string | undefined, message: error.message, errors: result.errors, data: result.data };
  }

  /** The SQL statements an operation issued (transaction control excluded). */
  async statements(query: string, variables: Record<string, unknown> = {}): Promise<{ result: GqlResult; statements: string[] }> {
    return countQueries(() => this.gql(query, variables));
  }

  async stop(): Promise<void> {
    await this.app.stop();
    await this.database.drop();
  }
}
