import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import packageJson from '../../package.json';
import type { Logger } from '../common/logger';
import type { Database } from '../db/database';
import { DeliveryStatus, WebhookDelivery } from '../webhooks/webhook.entity';
import { poolState } from './pool';

/** Distinct operation names kept as label values; later new names count as `other` (bounded cardinality). */
export const MAX_OPERATION_NAMES = 100;
const OPEN_DELIVERIES = [DeliveryStatus.PENDING, DeliveryStatus.FAILED, DeliveryStatus.IN_FLIGHT, DeliveryStatus.DEAD];

/** The labels of one answered /graphql request. */
export interface RequestLabels {
  operation: string;
  type: string;
  outcome: string;
}

/**
 * One app's Prometheus metrics, on a registry of its own (several apps in one process, as in tests, never
 * collide). Served at GET /metrics (src/observability/http.ts).
 */
export class RegistryMetrics {
  readonly registry = new Registry();
  private readonly names = new Set<string>();
  readonly requests = new Counter({
    name: 'modelgraph_requests_total', help: 'GraphQL requests answered, by operation name, type and outcome (ok or the first error code)',
    labelNames: ['operation', 'type', 'outcome'] as const, registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'modelgraph_request_duration_seconds', help: 'Time from receiving a GraphQL request to its answer being sent',
    labelNames: ['operation', 'type', 'outcome'] as const, registers: [this.registry],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  });
  readonly statements = new Histogram({
    name: 'modelgraph_sql_statements_per_request', help: 'SQL statements one GraphQL request issued (transaction control excluded)',
    labelNames: ['type'] as const, registers: [this.registry], buckets: [0, 1, 2, 5, 10, 20, 50, 100, 200],
  });
  readonly lineageWalkNodes = new Histogram({
    name: 'modelgraph_lineage_walk_nodes', help: 'Nodes one recursive lineage walk reached',
    registers: [this.registry], buckets: [0, 1, 5, 10, 50, 100, 500, 1000, 5000],
  });
  readonly webhookOutcomes = new Counter({
    name: 'modelgraph_webhook_deliveries_total', help: 'Webhook delivery attempts recorded by this process, by outcome (DELIVERED, FAILED, DEAD)',
    labelNames: ['outcome'] as const, registers: [this.registry],
  });

  private processMetrics = false;

  constructor(db: Database, log: Logger) {
    new Gauge({
      name: 'modelgraph_build_info', help: 'The running build: always 1', labelNames: ['version', 'node'] as const, registers: [this.registry],
    }).set({ version: packageJson.version, node: process.version }, 1);
    new Gauge({
      name: 'modelgraph_db_pool_connections', help: 'Database connections by state (in_use, idle, waiting requests for one; SQLite: one connection, total only)',
      labelNames: ['state'] as const, registers: [this.registry],
      collect() {
        this.reset();
        for (const [state, n] of Object.entries(poolState(db))) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'modelgraph_webhook_deliveries_open', help: 'Webhook deliveries not yet delivered or skipped, by status (read at scrape time)',
      labelNames: ['status'] as const, registers: [this.registry],
      async collect() {
        this.reset();
        try {
          const rows: { status: string; n: number | string }[] = await db.dataSource.manager.createQueryBuilder(WebhookDelivery, 'd')
            .select('d.status', 'status').addSelect('COUNT(*)', 'n')
            .where('d.status IN (:...open)', { open: OPEN_DELIVERIES }).groupBy('d.status').getRawMany();
          for (const status of OPEN_DELIVERIES) this.set({ status }, Number(rows.find((r) => r.status === status)?.n ?? 0));
        } catch (error) {
          // A scrape while the database is away still answers (without this gauge).
          log.warn({ err: error }, 'metrics: the webhook backlog could not be read');
        }
      },
    });
  }

  /**
   * The registry in Prometheus text. Process metrics (CPU, memory, event-loop lag, GC) start at the first scrape:
   * their monitors are never released, so an app nobody scrapes (a test's) does not start them.
   */
  async scrape(): Promise<string> {
    if (!this.processMetrics) {
      this.processMetrics = true;
      collectDefaultMetrics({ register: this.registry });
    }
    return this.registry.metrics();
  }

  /** The label value for an operation: its name while fewer than MAX_OPERATION_NAMES were seen, `anonymous`, `other` or `none`. */
  operationLabel(name: string | null | undefined): string {
    if (name === undefined) return 'none';
    if (name === null) return 'anonymous';
    if (this.names.has(name)) return name;
    if (this.names.size >= MAX_OPERATION_NAMES) return 'other';
    this.names.add(name);
    return name;
  }

  observeRequest(labels: RequestLabels, seconds: number, statements: number): void {
    this.requests.inc({ ...labels });
    this.duration.observe({ ...labels }, seconds);
    this.statements.observe({ type: labels.type }, statements);
  }
}
