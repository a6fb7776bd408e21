import { z } from 'zod';

/** The one place that reads process.env: validated once, typed, with one clear line per bad variable. */
const databaseUrl = z
  .string()
  .refine((v) => /^sqlite:.+$/.test(v) || /^(mysql|mariadb):\/\/[^/]+\/[^/?]+/.test(v), {
    message: 'must be mysql://user:pass@host:3306/db, mariadb://…, sqlite:PATH or sqlite::memory:',
  });

const corsOrigins = z
  .string()
  .transform((v) => v.split(',').map((o) => o.trim()).filter((o) => o !== ''))
  .refine((list) => list.every((o) => o === '*' || o === 'none' || /^https?:\/\/[^/\s]+$/.test(o)), {
    message: 'must be comma-separated origins such as https://studio.apollographql.com (scheme://host[:port], no path), * or none',
  })
  .transform((list) => list.filter((o) => o !== 'none'));

const readUrls = z
  .string()
  .transform((v) => v.split(',').map((u) => u.trim()).filter((u) => u !== ''))
  .refine((list) => list.every((u) => /^(mysql|mariadb):\/\/[^/]+\/[^/?]+/.test(u)), {
    message: 'must be comma-separated mysql://user:pass@host:3306/db (or mariadb://…) URLs',
  });

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const positiveInt = z.coerce.number().int().positive();

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: databaseUrl.default('sqlite:./data/registry.db'),
  /** Read replicas of DATABASE_URL (MySQL/MariaDB only): query-only requests read from a healthy one. */
  DATABASE_READ_URLS: readUrls.default([]),
  /** A replica further behind than this (Seconds_Behind_Master) is skipped until it catches up. */
  DATABASE_READ_MAX_LAG_SECONDS: z.coerce.number().int().min(0).default(5),
  /** How often each replica's reachability and lag are checked. */
  DATABASE_READ_CHECK_INTERVAL_MS: positiveInt.min(100).default(2_000),
  REGISTRY_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Company SSO: JWTs verified against this JWKS (with AUTH_ISSUER and AUTH_AUDIENCE, both then required). */
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  AUTH_ISSUER: z.string().min(1).optional(),
  AUTH_AUDIENCE: z.string().min(1).optional(),
  /** The claim holding the role name (VIEWER, EDITOR, APPROVER or ADMIN, any case; absent = VIEWER). */
  AUTH_ROLE_CLAIM: z.string().min(1).default('role'),
  AUTH_SUBJECT_CLAIM: z.string().min(1).default('sub'),
  NODE_ENV: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_QUERY_DEPTH: positiveInt.default(20),
  MAX_QUERY_ALIASES: positiveInt.default(100),
  MAX_QUERY_COST: positiveInt.default(50_000),
  MAX_DOCUMENT_BYTES: positiveInt.default(100_000),
  /** Lexical tokens in one document, counted while parsing (before validation), comments excluded. */
  MAX_DOCUMENT_TOKENS: positiveInt.default(10_000),
  SQL_LOG: bool.default(false),
  DB_STATEMENT_TIMEOUT_MS: positiveInt.default(10_000),
  DB_CONNECT_TIMEOUT_MS: positiveInt.default(5_000),
  READY_TIMEOUT_MS: positiveInt.max(60_000).default(1_500),
  REQUEST_TIMEOUT_MS: positiveInt.default(30_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: positiveInt.default(65_000),
  HTTP_HEADERS_TIMEOUT_MS: positiveInt.default(66_000),
  MAX_CONCURRENT_REQUESTS: positiveInt.default(256),
  MAX_QUEUED_REQUESTS: z.coerce.number().int().min(0).default(256),
  QUEUE_TIMEOUT_MS: z.coerce.number().int().min(0).default(1_000),
  /**
   * Browser origins allowed to call /graphql (comma-separated, `*` for any, `none` for none). The default is
   * the hosted Studio Explorer; the Sandbox on the server's own landing page is same-origin and needs none.
   */
  CORS_ORIGINS: corsOrigins.default(['https://studio.apollographql.com']),
  /** How often the audit sealer sweeps for events no commit of this process woke it for (other processes', a crash's). */
  AUDIT_SEAL_INTERVAL_MS: positiveInt.default(5_000),
  /** Deployment metric samples (recordDeploymentMetrics) older than this are pruned, in batches of 1,000. */
  DRIFT_SAMPLE_RETENTION_DAYS: positiveInt.default(30),
  /** Webhooks may target loopback, private, link-local and CGNAT addresses (open local mode implies it). */
  WEBHOOK_ALLOW_PRIVATE: bool.default(false),
  /** The first retry of a failed delivery waits at most this long; each further one up to twice the previous. */
  WEBHOOK_RETRY_BASE_MS: positiveInt.max(10_000).default(5_000),
  /** Attempts before a delivery is dead-lettered (it then holds back later events of its entity for that webhook). */
  WEBHOOK_MAX_ATTEMPTS: positiveInt.max(100).default(8),
  /** One delivery attempt, resolution included. */
  WEBHOOK_TIMEOUT_MS: positiveInt.max(120_000).default(10_000),
  /** The dispatcher's fallback poll (it also wakes whenever audit events are sealed in this process). */
  WEBHOOK_POLL_MS: positiveInt.min(1_000).default(5_000),
  /**
   * OpenTelemetry traces (HTTP, GraphQL resolvers, mysql2) are exported over OTLP/HTTP (JSON) to this base URL
   * (`/v1/traces` appended), the standard OTel variable; unset: tracing is off and costs nothing.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL such as http://collector:4318' }).optional(),
  /** The `service.name` of the traces. */
  OTEL_SERVICE_NAME: z.string().min(1).default('modelgraph'),
}).refine((c) => c.DATABASE_READ_URLS.length === 0 || !c.DATABASE_URL.startsWith('sqlite:'), {
  path: ['DATABASE_READ_URLS'],
  message: 'needs a MySQL/MariaDB DATABASE_URL (SQLite has no replicas)',
}).refine((c) => c.HTTP_HEADERS_TIMEOUT_MS > c.HTTP_KEEP_ALIVE_TIMEOUT_MS, {
  path: ['HTTP_HEADERS_TIMEOUT_MS'],
  message: 'must be greater than HTTP_KEEP_ALIVE_TIMEOUT_MS',
}).refine((c) => !c.AUTH_JWKS_URL || c.AUTH_ISSUER, {
  path: ['AUTH_ISSUER'],
  message: 'is required with AUTH_JWKS_URL',
}).refine((c) => !c.AUTH_JWKS_URL || c.AUTH_AUDIENCE, {
  path: ['AUTH_AUDIENCE'],
  message: 'is required with AUTH_JWKS_URL',
});

export type Config = z.infer<typeof envSchema>;
export type QueryLimits = Pick<Config, 'MAX_QUERY_DEPTH' | 'MAX_QUERY_ALIASES' | 'MAX_QUERY_COST' | 'MAX_DOCUMENT_BYTES'>
  // Optional: only the GraphQL server reads it (a caller building limits for the HTTP layer need not).
  & Partial<Pick<Config, 'MAX_DOCUMENT_TOKENS'>>;

/** Read replicas (src/db/replicas.ts); `urls` empty: every read goes to the primary. */
export interface ReadReplicaSettings {
  urls: string[];
  maxLagSeconds: number;
  checkIntervalMs: number;
}

export function readReplicaSettings(config: Config): ReadReplicaSettings {
  return { urls: config.DATABASE_READ_URLS, maxLagSeconds: config.DATABASE_READ_MAX_LAG_SECONDS, checkIntervalMs: config.DATABASE_READ_CHECK_INTERVAL_MS };
}

export type DatabaseTimeouts = Pick<Config, 'DB_STATEMENT_TIMEOUT_MS' | 'DB_CONNECT_TIMEOUT_MS'>;
export type HttpLimits = Pick<Config, 'READY_TIMEOUT_MS' | 'REQUEST_TIMEOUT_MS' | 'HTTP_KEEP_ALIVE_TIMEOUT_MS' |
  'HTTP_HEADERS_TIMEOUT_MS' | 'MAX_CONCURRENT_REQUESTS' | 'MAX_QUEUED_REQUESTS' | 'QUEUE_TIMEOUT_MS' | 'CORS_ORIGINS'>;

/** How webhooks are delivered (src/webhooks/dispatcher.ts). */
export interface WebhookSettings {
  allowPrivate: boolean;
  retryBaseMs: number;
  maxAttempts: number;
  timeoutMs: number;
  pollMs: number;
}

export function webhookSettings(config: Config = loadConfig({})): WebhookSettings {
  return {
    allowPrivate: config.WEBHOOK_ALLOW_PRIVATE, retryBaseMs: config.WEBHOOK_RETRY_BASE_MS, maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS, pollMs: config.WEBHOOK_POLL_MS,
  };
}

/** Where traces go and under which service name (src/observability/tracing.ts); null: tracing off. */
export interface TracingSettings {
  /** The OTLP/HTTP traces URL (the endpoint with `/v1/traces`). */
  tracesUrl: string;
  serviceName: string;
}

export function tracingSettings(config: Config): TracingSettings | null {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return null;
  return { tracesUrl: `${endpoint.replace(/\/+$/, '')}/v1/traces`, serviceName: config.OTEL_SERVICE_NAME };
}

/** What identifies callers: the admin token and the SSO JWT settings (src/auth/authenticator.ts). */
export interface AuthSettings {
  adminToken?: string;
  jwt?: { jwksUrl: string; issuer: string; audience: string; roleClaim: string; subjectClaim: string };
}

export function authSettings(config: Config): AuthSettings {
  const { REGISTRY_ADMIN_TOKEN, AUTH_JWKS_URL, AUTH_ISSUER, AUTH_AUDIENCE, AUTH_ROLE_CLAIM, AUTH_SUBJECT_CLAIM } = config;
  return {
    adminToken: REGISTRY_ADMIN_TOKEN,
    jwt: AUTH_JWKS_URL && AUTH_ISSUER && AUTH_AUDIENCE
      ? { jwksUrl: AUTH_JWKS_URL, issuer: AUTH_ISSUER, audience: AUTH_AUDIENCE, roleClaim: AUTH_ROLE_CLAIM, subjectClaim: AUTH_SUBJECT_CLAIM }
      : undefined,
  };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Open local mode (no admin token, no JWKS, no stored token: everyone is ADMIN) is for a laptop only: the
 * reason it must not start here, or null.
 */
export function openModeRefusal(config: Pick<Config, 'HOST' | 'NODE_ENV'>): string | null {
  if (config.NODE_ENV === 'production') return 'NODE_ENV=production';
  if (!LOOPBACK_HOSTS.has(config.HOST)) return `HOST=${config.HOST} is not loopback`;
  return null;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set", as in most shells' `FOO= cmd` usage.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  return parsed.data;
}

export function defaultQueryLimits(): QueryLimits {
  return queryLimits(loadConfig({}));
}

export function queryLimits(config: Config): Required<QueryLimits> {
  const { MAX_QUERY_DEPTH, MAX_QUERY_ALIASES, MAX_QUERY_COST, MAX_DOCUMENT_BYTES, MAX_DOCUMENT_TOKENS } = config;
  return { MAX_QUERY_DEPTH, MAX_QUERY_ALIASES, MAX_QUERY_COST, MAX_DOCUMENT_BYTES, MAX_DOCUMENT_TOKENS };
}

export function defaultDatabaseTimeouts(): DatabaseTimeouts {
  const { DB_STATEMENT_TIMEOUT_MS, DB_CONNECT_TIMEOUT_MS } = loadConfig({});
  return { DB_STATEMENT_TIMEOUT_MS, DB_CONNECT_TIMEOUT_MS };
}

export function httpLimits(config: Config = loadConfig({})): HttpLimits {
  const { READY_TIMEOUT_MS, REQUEST_TIMEOUT_MS, HTTP_KEEP_ALIVE_TIMEOUT_MS, HTTP_HEADERS_TIMEOUT_MS,
    MAX_CONCURRENT_REQUESTS, MAX_QUEUED_REQUESTS, QUEUE_TIMEOUT_MS, CORS_ORIGINS } = config;
  return { READY_TIMEOUT_MS, REQUEST_TIMEOUT_MS, HTTP_KEEP_ALIVE_TIMEOUT_MS, HTTP_HEADERS_TIMEOUT_MS,
    MAX_CONCURRENT_REQUESTS, MAX_QUEUED_REQUESTS, QUEUE_TIMEOUT_MS, CORS_ORIGINS };
}
