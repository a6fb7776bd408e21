import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { Logger } from '../common/logger';
import { driverErrorOf, isConnectionError } from './errors';

/** healthy: reads go there; lagging: behind by more than the bound, or replication not running; down: unreachable. */
export type ReplicaHealth = 'healthy' | 'lagging' | 'down';

/** What is known about one read replica (for logs and, later, metrics). */
export interface ReplicaState {
  /** The replica's URL without its password. */
  url: string;
  state: ReplicaHealth;
  /** Seconds_Behind_Master at the last check; null when unknown (down, or replication not running). */
  lagSeconds: number | null;
  /** Why it is skipped; absent while healthy. */
  reason?: string;
  /** When `state` last changed. */
  since: Date;
  /** Reads that failed on it with a connection error and were answered by the primary. */
  fallbacks: number;
}

export interface ReplicaSettings {
  /** A replica further behind than this (Seconds_Behind_Master) is skipped. */
  maxLagSeconds: number;
  /** How often each replica's reachability and lag are checked. */
  checkIntervalMs: number;
}

type Query = (sql: string, parameters?: unknown[], structured?: boolean) => Promise<unknown>;

/** Statements a replica may answer; anything else (a write) goes to the primary. */
const READ = /^\s*\(?\s*(SELECT|WITH|SHOW|EXPLAIN|DESCRIBE)\b/i;
const TRANSACTION_CONTROL = /^\s*(START TRANSACTION|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|SET TRANSACTION)/i;

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

class Replica {
  state: ReplicaHealth = 'down';
  lagSeconds: number | null = null;
  reason: string | undefined = 'not checked yet';
  since = new Date();
  fallbacks = 0;
  dataSource: DataSource | undefined;
  /** A connection attempt under way (a check that timed out does not start a second one beside it). */
  connecting: Promise<DataSource> | undefined;
  /** Creates a query runner without the primary fallback (for the health check). */
  rawRunner: ((mode: 'master' | 'slave') => QueryRunner) | undefined;
  /** SHOW REPLICA STATUS (MariaDB ≥ 10.5, MySQL ≥ 8.0.22) until the server refuses its syntax. */
  statusStatement = 'SHOW REPLICA STATUS';
  /** Whether a check has finished (the first one's outcome is logged whatever it is). */
  checked = false;

  constructor(readonly url: string) {}

  snapshot(): ReplicaState {
    return { url: redact(this.url), state: this.state, lagSeconds: this.lagSeconds, reason: this.reason, since: this.since, fallbacks: this.fallbacks };
  }
}

/**
 * The read replicas (DATABASE_READ_URLS): a data source per replica, checked every `checkIntervalMs` for
 * reachability and lag; `manager()` hands out a healthy one's EntityManager, round-robin. A read that fails
 * on a replica with a connection error is sent once to the primary (and the replica is skipped until its
 * next check finds it back); a write statement that reaches a replica's runner goes to the primary.
 */
export class ReplicaSet {
  private readonly replicas: Replica[];
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private stopped = false;

  constructor(
    urls: string[],
    private readonly primary: DataSource,
    /** A new, uninitialized data source for a replica URL (same entities, logger and timeouts as the primary). */
    private readonly create: (url: string) => DataSource,
    private readonly settings: ReplicaSettings,
    private readonly log: Logger,
  ) {
    this.replicas = urls.map((url) => new Replica(url));
  }

  /** A healthy replica's EntityManager (round-robin among healthy ones); undefined when none is healthy. */
  manager(): EntityManager | undefined {
    const n = this.replicas.length;
    for (let i = 0; i < n; i++) {
      const replica = this.replicas[(this.next + i) % n];
      if (replica.state === 'healthy' && replica.dataSource?.isInitialized) {
        this.next = (this.next + i + 1) % n;
        return replica.dataSource.manager;
      }
    }
    return undefined;
  }

  /** Each replica's state, in DATABASE_READ_URLS order. */
  states(): ReplicaState[] {
    return this.replicas.map((r) => r.snapshot());
  }

  /** Checks now, then every `checkIntervalMs` (the timer does not keep the process alive). */
  async start(): Promise<void> {
    await this.check();
    if (this.stopped) return;
    this.timer = setInterval(() => void this.check(), this.settings.checkIntervalMs);
    this.timer.unref();
  }

  /** Checks every replica once (concurrent callers share one round). */
  check(): Promise<void> {
    this.checking ??= Promise.all(this.replicas.map((r) => this.checkOne(r))).then(() => undefined).finally(() => (this.checking = undefined));
    return this.checking;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.checking?.catch(() => undefined);
    await Promise.all(this.replicas.map(async (r) => {
      const ds = r.dataSource;
      r.dataSource = undefined;
      if (ds?.isInitialized) await ds.destroy().catch(() => undefined);
    }));
  }

  private async checkOne(replica: Replica): Promise<void> {
    // A replica that does not answer within a check interval (1 s at least) is skipped until it does.
    const limitMs = Math.max(1_000, this.settings.checkIntervalMs);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${limitMs} ms`)), limitMs)));
    try {
      const lag = await Promise.race([this.connect(replica).then((ds) => this.lag(replica, ds)), late]);
      if (lag === undefined) this.set(replica, 'lagging', null, 'the server reports no replication');
      else if (lag === null) this.set(replica, 'lagging', null, 'replication is not running');
      else if (lag > this.settings.maxLagSeconds) this.set(replica, 'lagging', lag, `${lag} s behind (bound ${this.settings.maxLagSeconds} s)`);
      else this.set(replica, 'healthy', lag, undefined);
    } catch (error) {
      this.set(replica, 'down', null, describe(error));
    } finally {
      clearTimeout(timer);
    }
  }

  /** The replica's data source, initialized (a replica unreachable at start is connected on a later check). */
  private connect(replica: Replica): Promise<DataSource> {
    if (replica.dataSource?.isInitialized) return Promise.resolve(replica.dataSource);
    const attempt = replica.connecting ?? this.initialize(replica).finally(() => (replica.connecting = undefined));
    replica.connecting = attempt;
    return attempt;
  }

  private async initialize(replica: Replica): Promise<DataSource> {
    const ds = this.create(replica.url);
    try {
      await ds.initialize();
    } catch (error) {
      // A pool left behind by a start that failed after connecting.
      await ds.driver.disconnect().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      await ds.destroy();
      throw new Error('stopped');
    }
    replica.rawRunner = this.withFallback(replica, ds);
    replica.dataSource = ds;
    return ds;
  }

  /**
   * Seconds_Behind_Master (…_Source on MySQL 8): a number, null when replication is not running, undefined
   * when the server is not a replica at all. Several replication channels: the furthest behind.
   */
  private async lag(replica: Replica, ds: DataSource): Promise<number | null | undefined> {
    const runner = replica.rawRunner?.('slave') ?? ds.createQueryRunner('slave');
    try {
      let rows: Record<string, unknown>[];
      try {
        rows = await runner.query(replica.statusStatement) as Record<string, unknown>[];
      } catch (error) {
        if (driverErrorOf(error).errno !== 1064 || replica.statusStatement === 'SHOW SLAVE STATUS') throw error;
        replica.statusStatement = 'SHOW SLAVE STATUS';
        rows = await runner.query(replica.statusStatement) as Record<string, unknown>[];
      }
      if (rows.length === 0) return undefined;
      let worst = 0;
      for (const row of rows) {
        const value = row.Seconds_Behind_Master ?? row.Seconds_Behind_Source ?? null;
        if (value === null) return null;
        worst = Math.max(worst, Number(value));
      }
      return worst;
    } finally {
      await runner.release();
    }
  }

  /**
   * Every query runner of the replica's data source sends writes to the primary, and retries a read that
   * failed with a connection error once on the primary (outside a transaction). Returns the original factory.
   */
  private withFallback(replica: Replica, ds: DataSource): (mode: 'master' | 'slave') => QueryRunner {
    const driver = ds.driver;
    const createRunner = driver.createQueryRunner.bind(driver);
    const onPrimary: Query = async (sql, parameters, structured) => {
      const runner = this.primary.createQueryRunner('master');
      try {
        return await (runner.query.bind(runner) as Query)(sql, parameters, structured);
      } finally {
        await runner.release();
      }
    };
    driver.createQueryRunner = (mode) => {
      const runner = createRunner(mode);
      const query = runner.query.bind(runner) as Query;
      runner.query = (async (sql: string, parameters?: unknown[], structured?: boolean) => {
        if (!READ.test(sql) && !TRANSACTION_CONTROL.test(sql)) return onPrimary(sql, parameters, structured);
        try {
          return await query(sql, parameters, structured);
        } catch (error) {
          if (!isConnectionError(error) || runner.isTransactionActive || !READ.test(sql)) throw error;
          replica.fallbacks++;
          this.set(replica, 'down', null, `connection lost: ${describe(error)}`);
          return onPrimary(sql, parameters, structured);
        }
      }) as typeof runner.query;
      return runner;
    };
    return createRunner;
  }

  private set(replica: Replica, state: ReplicaHealth, lagSeconds: number | null, reason: string | undefined): void {
    replica.lagSeconds = lagSeconds;
    replica.reason = reason;
    const first = !replica.checked;
    replica.checked = true;
    if (replica.state === state && !first) return;
    const was = first ? undefined : replica.state;
    replica.state = state;
    replica.since = new Date();
    if (this.stopped) return;
    const fields = { replica: redact(replica.url), was, state, lagSeconds, reason };
    if (state !== 'healthy') this.log.warn(fields, 'read replica skipped: its reads go to the primary');
    else if (first) this.log.info(fields, 'read replica healthy: reads use it');
    else this.log.warn(fields, 'read replica healthy again: reads use it');
  }
}

function describe(error: unknown): string {
  const { code, errno } = driverErrorOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return [code, errno, message.slice(0, 200)].filter((p) => p !== undefined && p !== '').join(' ');
}
