import { pino } from 'pino';
import type { ExecutionResult } from 'graphql';
import { RegistryApp } from '../../src/app';
import { defaultQueryLimits, type AuthSettings, type QueryLimits, type WebhookSettings } from '../../src/config';
import { countQueries } from '../../src/db/query-log';
import { createTestDatabase, type TestDatabase, type TestDatabaseOptions } from './database';

/** A token minted for a test: its secret, id, subject and the headers that present it. */
export interface TestToken {
  token: string;
  id: string;
  subject: string;
  headers: Record<string, string>;
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

export interface TestAppOptions extends TestDatabaseOptions {
  /**
   * Enforced mode from the start: `adminToken` (REGISTRY_ADMIN_TOKEN; `t.admin` holds its headers) and/or
   * SSO settings. Without them the app starts in open local mode.
   */
  auth?: AuthSettings;
  /** Webhook delivery settings (retry base, attempts, private targets…). */
  webhooks?: Partial<WebhookSettings>;
}

export interface GqlResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** A registry on a private database, driven through the real GraphQL layer (executeOperation). */
export class TestApp {
  private constructor(readonly app: RegistryApp, readonly database: TestDatabase, private readonly adminToken?: string) {}

  /**
   * `fromTemplate: false` starts on an empty database that the app's start migrates from scratch (on
   * MySQL/MariaDB the default is a copy of the run's migrated template: see test/support/template.ts).
   */
  static async start(limits: Partial<QueryLimits> = {}, options: TestAppOptions = {}): Promise<TestApp> {
    const { auth, webhooks, ...databaseOptions } = options;
    const database = await createTestDatabase({ fromTemplate: true, ...databaseOptions });
    const app = await RegistryApp.create({
      databaseUrl: database.url,
      limits: { ...defaultQueryLimits(), ...limits },
      log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      auth,
      webhooks,
    });
    return new TestApp(app, database, auth?.adminToken);
  }

  /** Headers presenting the admin token the app was started with. */
  get admin(): Record<string, string> {
    if (!this.adminToken) throw new Error('started without an admin token');
    return bearer(this.adminToken);
  }

  /** Creates an API token with this role (as the admin token, or in open mode as anyone: that ends open mode). */
  async mint(role: 'VIEWER' | 'EDITOR' | 'APPROVER' | 'ADMIN', name = `${role.toLowerCase()} token`): Promise<TestToken> {
    const { createApiToken: created } = await this.ok<{ createApiToken: { token: string; apiToken: { id: string } } }>(
      'mutation($n: String!, $r: Role!) { createApiToken(name: $n, role: $r) { token apiToken { id } } }',
      { n: name, r: role }, this.adminToken ? this.admin : {});
    return { token: created.token, id: created.apiToken.id, subject: `token:${created.apiToken.id}`, headers: bearer(created.token) };
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
  async statements(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<{ result: GqlResult; statements: string[] }> {
    return countQueries(() => this.gql(query, variables, headers));
  }

  /** The HTTP status Apollo would answer with (executeOperation keeps it). */
  async status(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<number> {
    const response = await this.app.apollo.executeOperation({ query, variables }, { contextValue: await this.app.context({ headers }) });
    return response.http.status ?? 200;
  }

  async stop(): Promise<void> {
    await this.app.stop();
    await this.database.drop();
  }
}
