import type { ApolloServer } from '@apollo/server';
import type { DataSource } from 'typeorm';
import { authSettings, queryLimits, readReplicaSettings, tracingSettings, webhookSettings, type AuthSettings, type Config, type QueryLimits,
  type ReadReplicaSettings, type WebhookSettings } from './config';
import { Authenticator } from './auth/authenticator';
import type { Context } from './context';
import { Loaders } from './common/loaders';
import { AuditSealer } from './audit/sealer';
import type { Logger } from './common/logger';
import { createDataSource, detectFlavor, parseDatabaseUrl, type DatabaseTarget, type StatementTimeouts } from './db/data-source';
import { Database } from './db/database';
import { runMigrationsLocked } from './db/migration-lock';
import { QueryLogger } from './db/query-log';
import { ReplicaSet } from './db/replicas';
import { ENTITIES } from './modules';
import { requestIdOf } from './observability/http';
import { RegistryMetrics } from './observability/metrics';
import { requestRecordPlugin } from './observability/request-plugin';
import { buildRegistrySchema } from './schema';
import { createApolloServer } from './server';
import { createServices, type Services } from './services';
import { WebhookDispatcher } from './webhooks/dispatcher';

/** A read replica's target: a MySQL/MariaDB URL, the primary's flavor. */
function replicaTarget(url: string, flavor: 'mysql' | 'mariadb' | undefined): DatabaseTarget {
  const target = parseDatabaseUrl(url);
  if (target.engine !== 'mysql') throw new Error('DATABASE_READ_URLS: must be mysql:// or mariadb:// URLs');
  return { ...target, flavor };
}

export interface RequestInfo {
  headers: Record<string, string | string[] | undefined>;
}

/** Everything a running registry holds: database, services, GraphQL server. Used by main.ts and tests. */
export class RegistryApp {
  ready = false;

  private constructor(
    readonly db: Database,
    readonly apollo: ApolloServer<Context>,
    readonly log: Logger,
    readonly services: Services,
    readonly auth: Authenticator,
    /** Chains the audit events this and other processes commit (see src/audit/sealer.ts). */
    readonly sealer: AuditSealer,
    /** Delivers sealed audit events to webhooks (see src/webhooks/dispatcher.ts). */
    readonly webhooks: WebhookDispatcher,
    /** The read replicas (DATABASE_READ_URLS), if any. */
    readonly replicas: ReplicaSet | undefined,
    /** Prometheus metrics on a registry of this app's own (GET /metrics). */
    readonly metrics: RegistryMetrics,
  ) {}

  static async create(options: {
    databaseUrl: string; limits: QueryLimits; log: Logger; logSql?: boolean; timeouts?: StatementTimeouts; auth?: AuthSettings;
    /** The audit sealer's safety sweep (default 5 s). */
    auditSealIntervalMs?: number;
    /** How long deployment metric samples are kept (default 30 days). */
    driftSampleRetentionDays?: number;
    /** Webhook delivery (defaults: the configuration's defaults). */
    webhooks?: Partial<WebhookSettings>;
    /** Read replicas of a MySQL/MariaDB primary (defaults: 5 s lag bound, checked every 2 s). */
    readReplicas?: Pick<ReadReplicaSettings, 'urls'> & Partial<ReadReplicaSettings>;
    /** Compiled (graphql-jit) execution; off while tracing, whose GraphQL spans wrap graphql-js resolvers (default on). */
    compiledExecution?: boolean;
  }): Promise<RegistryApp> {
    const target = await detectFlavor(parseDatabaseUrl(options.databaseUrl), options.timeouts?.connectMs);
    const readUrls = options.readReplicas?.urls ?? [];
    if (readUrls.length > 0 && target.engine !== 'mysql') throw new Error('DATABASE_READ_URLS: needs a MySQL/MariaDB DATABASE_URL');
    for (const url of readUrls) replicaTarget(url, undefined);
    const queryLogger = new QueryLogger(options.log, options.logSql ?? false);
    const dataSource: DataSource = createDataSource(target, ENTITIES, queryLogger, options.timeouts);
    await dataSource.initialize();
    const db = new Database(dataSource);
    db.writes.onChange((failure) => {
      if (failure) options.log.error({ code: failure.code }, 'writes cannot be stored: /ready answers 503 until one commits');
      else options.log.warn('writes are stored again');
    });
    // Exactly once across processes starting together on one database (see db/migration-lock.ts).
    await runMigrationsLocked(dataSource);
    const replicas = target.engine === 'mysql' && readUrls.length > 0
      ? new ReplicaSet(readUrls, dataSource, (url) => createDataSource(replicaTarget(url, target.flavor), ENTITIES, queryLogger, options.timeouts),
        { maxLagSeconds: options.readReplicas?.maxLagSeconds ?? 5, checkIntervalMs: options.readReplicas?.checkIntervalMs ?? 2_000 }, options.log)
      : undefined;
    if (replicas) {
      // A replica down at start is not fatal: its checks go on and it is used once healthy.
      await replicas.start();
      db.useReplicas(replicas);
    }
    const apollo = createApolloServer(await buildRegistrySchema(), options.limits, options.log, [requestRecordPlugin()],
      { compiled: options.compiledExecution ?? true });
    await apollo.start();
    const services = createServices(db, { driftSampleRetentionDays: options.driftSampleRetentionDays ?? 30 });
    const auth = await Authenticator.create(services.tokens, options.auth ?? {}, options.log);
    const sealer = new AuditSealer(db, options.log, options.auditSealIntervalMs ?? 5_000);
    const hookSettings = { ...webhookSettings(), ...options.webhooks };
    services.webhooks.allowPrivate = () => hookSettings.allowPrivate || auth.open;
    const webhooks = new WebhookDispatcher(db, options.log, hookSettings, services.webhooks.allowPrivate);
    sealer.onSealed(() => webhooks.wake());
    const metrics = new RegistryMetrics(db, options.log);
    webhooks.onOutcome = (status) => metrics.webhookOutcomes.inc({ outcome: status });
    const app = new RegistryApp(db, apollo, options.log, services, auth, sealer, webhooks, replicas, metrics);
    sealer.start();
    webhooks.start();
    app.ready = true;
    return app;
  }

  static fromConfig(config: Config, log: Logger): Promise<RegistryApp> {
    return RegistryApp.create({
      databaseUrl: config.DATABASE_URL,
      limits: queryLimits(config),
      log,
      logSql: config.SQL_LOG,
      timeouts: { statementMs: config.DB_STATEMENT_TIMEOUT_MS, connectMs: config.DB_CONNECT_TIMEOUT_MS },
      auth: authSettings(config),
      auditSealIntervalMs: config.AUDIT_SEAL_INTERVAL_MS,
      driftSampleRetentionDays: config.DRIFT_SAMPLE_RETENTION_DAYS,
      webhooks: webhookSettings(config),
      readReplicas: readReplicaSettings(config),
      // Traced requests run on graphql-js, whose resolvers the GraphQL instrumentation wraps.
      compiledExecution: tracingSettings(config) === null,
    });
  }

  /** The per-request context: request id, the caller (identified once, here), fresh DataLoaders. */
  async context(request: RequestInfo): Promise<Context> {
    const header = (name: string): string | undefined => {
      const v = request.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const identity = await this.auth.identify({ authorization: header('authorization'), actor: header('x-actor') });
    const principal = 'principal' in identity ? identity.principal : null;
    return {
      requestId: requestIdOf(request.headers['x-request-id']),
      actor: principal?.subject ?? 'anonymous',
      principal,
      authFailure: 'failure' in identity ? identity.failure : null,
      loaders: new Loaders(this.db),
      services: this.services,
    };
  }

  async stop(): Promise<void> {
    this.ready = false;
    this.auth.stop();
    await this.apollo.stop();
    await this.sealer.stop();
    await this.webhooks.stop();
    await this.replicas?.stop();
    if (this.db.dataSource.isInitialized) await this.db.dataSource.destroy();
  }
}
