/**
 * `npm run bench:lineage`: the `lineage` query at depth and width, timed over HTTP.
 *
 * Runs the registry in this process (RegistryApp + the real node:http/Apollo HTTP server on a free loopback
 * port) on a private database, bulk-inserts a 1,000-deep parent chain of model versions and a 10,001-node
 * dataset-version DAG with diamonds (1 → 100 → 9,900, each leaf derived from two adjacent sources) plus a
 * 5,000-node one (1 → 50 → 4,949), then POSTs each lineage query sequentially: warm-ups, then timed runs.
 * Prints min/median/p95/max ms, nodes and edges returned, `truncated`, response size, and the SQL
 * statements each HTTP request issued (counted in process; cross-checked with `countQueries` around one
 * `executeOperation`). The database is dropped and the server closed at the end, on failure and on
 * SIGINT/SIGTERM too.
 *
 * Exits 1 if any request failed (HTTP error or GraphQL errors), or returned other nodes/truncated than the
 * data implies.
 *
 * Environment (all optional):
 *   BENCH_DATABASE_URL        mysql://user:pass@host:3306/ or mariadb://… → a fresh database
 *                             mg_bench_lineage_<random> on that server, dropped after; sqlite:PATH → a new
 *                             SQLite file (must not exist; deleted after); sqlite: → a temporary file.
 *                             Unset: MariaDB/MySQL at mysql://root@127.0.0.1:3306/ when it answers, else SQLite.
 *   BENCH_LINEAGE_RUNS        timed runs per query (default 20)     BENCH_LINEAGE_WARMUP  warm-ups (default 3)
 *   BENCH_LINEAGE_CASE_SECONDS  time budget per query: timed runs stop early past it (default 15, at least 3 runs)
 */
import 'reflect-metadata';
import { once } from 'node:events';
import { intFromEnv } from './common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { pino } from 'pino';
import { RegistryApp } from '../src/app';
import { defaultQueryLimits } from '../src/config';
import { countQueries } from '../src/db/query-log';
import { createHttpServer } from '../src/http';
import { insertLineageData, type LineageData } from './lineage/data';
import { createLineageBenchDatabase, DEFAULT_SERVER_URL, reachable, type LineageBenchDatabase } from './lineage/database';

const LINEAGE = `query Lineage($id: ID!, $direction: LineageDirection!, $maxDepth: Int!, $first: Int!) {
  lineage(id: $id, direction: $direction, maxDepth: $maxDepth, first: $first) {
    nodes { depth node { __typename ... on ModelVersion { id } ... on DatasetVersion { id } } }
    edges { from to relation }
    truncated
  }
}`;

interface LineageResult {
  nodes: { depth: number; node: { __typename: string; id?: string } }[];
  edges: { from: string; to: string; relation: string }[];
  truncated: boolean;
}

interface Case {
  name: string;
  variables: { id: string; direction: 'UPSTREAM' | 'DOWNSTREAM' | 'BOTH'; maxDepth: number; first: number };
  expect: { nodes: number; truncated: boolean; edges?: number };
}

function cases(data: LineageData): Case[] {
  const deepest = data.chain[data.chain.length - 1];
  const depth = data.chain.length - 1;
  const chain = (maxDepth: number): Case => ({
    name: `chain ↑ depth ${maxDepth}`,
    variables: { id: deepest, direction: 'UPSTREAM', maxDepth, first: 5000 },
    // The root plus one version per hop; the depth bound cuts the chain (→ truncated) unless it reaches the top.
    expect: { nodes: Math.min(maxDepth, depth) + 1, truncated: maxDepth < depth, edges: Math.min(maxDepth, depth) },
  });
  return [
    chain(10),
    chain(100),
    chain(1000),
    {
      name: `DAG ↓ ${data.dag.nodes} nodes`,
      variables: { id: data.dag.root, direction: 'DOWNSTREAM', maxDepth: 10, first: 5000 },
      expect: { nodes: Math.min(5000, data.dag.nodes), truncated: data.dag.nodes > 5000 },
    },
    {
      name: `DAG ↓ ${data.smallDag.nodes} nodes`,
      variables: { id: data.smallDag.root, direction: 'DOWNSTREAM', maxDepth: 10, first: 5000 },
      expect: { nodes: Math.min(5000, data.smallDag.nodes), truncated: data.smallDag.nodes > 5000, edges: data.smallDag.edges },
    },
  ];
}

interface Row {
  c: Case;
  ms: number[];
  nodes?: number;
  edges?: number;
  truncated?: boolean;
  bytes?: number;
  /** Statements per HTTP request (every timed run). */
  httpStatements: Set<number>;
  /** Statements of one executeOperation inside countQueries. */
  execStatements?: number;
  error?: string;
  mismatch?: string;
}

/**
 * Counts every SQL statement the data source issues (transaction control excluded, as `countQueries`
 * does). Requests run one at a time, so the count between two requests belongs to the one in between.
 */
function statementCounter(app: RegistryApp): { take(): number } {
  const logger = app.db.dataSource.logger;
  const original = logger.logQuery.bind(logger);
  const control = /^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|SET TRANSACTION)/i;
  let count = 0;
  logger.logQuery = (query, parameters, queryRunner) => {
    if (!control.test(query.trim())) count++;
    return original(query, parameters, queryRunner);
  };
  return {
    take: () => {
      const n = count;
      count = 0;
      return n;
    },
  };
}

async function post(url: string, variables: Case['variables']): Promise<{ ms: number; bytes: number; result: LineageResult }> {
  const body = JSON.stringify({ query: LINEAGE, variables });
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-actor': 'bench' },
    body,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  let payload: { data?: { lineage?: LineageResult } | null; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    payload = JSON.parse(text) as typeof payload;
  } catch {
    throw new Error(`HTTP ${response.status}: ${text.slice(0, 200)}`);
  }
  const [first] = payload.errors ?? [];
  if (first) throw new Error(`GraphQL error ${first.extensions?.code ?? ''}: ${first.message}`);
  if (response.status !== 200 || !payload.data?.lineage) throw new Error(`HTTP ${response.status} without data`);
  return { ms, bytes: Buffer.byteLength(text), result: payload.data.lineage };
}

function mismatchOf(c: Case, r: LineageResult): string | undefined {
  const problems: string[] = [];
  if (r.nodes.length !== c.expect.nodes) problems.push(`nodes ${r.nodes.length}, expected ${c.expect.nodes}`);
  if (r.truncated !== c.expect.truncated) problems.push(`truncated ${r.truncated}, expected ${c.expect.truncated}`);
  if (c.expect.edges !== undefined && r.edges.length !== c.expect.edges) problems.push(`edges ${r.edges.length}, expected ${c.expect.edges}`);
  return problems.length ? problems.join('; ') : undefined;
}

async function runCase(app: RegistryApp, url: string, counter: { take(): number }, c: Case, s: { runs: number; warmup: number; budgetMs: number }): Promise<Row> {
  const row: Row = { c, ms: [], httpStatements: new Set() };
  try {
    // Statements of one in-process execution, counted the way the test suite counts them.
    const { result, statements } = await countQueries(async () => app.apollo.executeOperation({ query: LINEAGE, variables: c.variables }, { contextValue: await app.context({ headers: { 'x-actor': 'bench' } }) }));
    row.execStatements = statements.length;
    if (result.body.kind === 'single' && result.body.singleResult.errors?.length) {
      throw new Error(`GraphQL error (in process): ${result.body.singleResult.errors[0].message}`);
    }
    for (let i = 0; i < s.warmup; i++) await post(url, c.variables);
    const started = performance.now();
    for (let i = 0; i < s.runs; i++) {
      if (i >= 3 && performance.now() - started > s.budgetMs) break;
      counter.take();
      const { ms, bytes, result: r } = await post(url, c.variables);
      row.httpStatements.add(counter.take());
      row.ms.push(ms);
      row.nodes = r.nodes.length;
      row.edges = r.edges.length;
      row.truncated = r.truncated;
      row.bytes = bytes;
      row.mismatch ??= mismatchOf(c, r);
    }
  } catch (error) {
    row.error = error instanceof Error ? error.message : String(error);
  }
  return row;
}

/** Nearest-rank percentile of sorted values. */
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

function median(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function printTable(rows: Row[]): void {
  const header = ['query', 'maxDepth', 'first', 'runs', 'min ms', 'median ms', 'p95 ms', 'max ms', 'nodes', 'edges', 'truncated', 'KB', 'SQL/req'];
  const cells = rows.map((r) => {
    const sorted = [...r.ms].sort((a, b) => a - b);
    const ms = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(1));
    const http = [...r.httpStatements].join('/');
    const sql = !http ? '-' : r.execStatements !== undefined && (r.httpStatements.size !== 1 || !r.httpStatements.has(r.execStatements))
      ? `${http} (exec ${r.execStatements})` : http;
    return [
      r.c.name, String(r.c.variables.maxDepth), String(r.c.variables.first), String(r.ms.length),
      ms(sorted[0]), ms(sorted.length ? median(sorted) : undefined), ms(percentile(sorted, 95)), ms(sorted[sorted.length - 1]),
      r.nodes === undefined ? '-' : String(r.nodes), r.edges === undefined ? '-' : String(r.edges),
      r.truncated === undefined ? '-' : String(r.truncated), r.bytes === undefined ? '-' : (r.bytes / 1024).toFixed(0), sql,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

let database: LineageBenchDatabase | undefined;
let app: RegistryApp | undefined;
let http: Server | undefined;

/** Closes the server and the registry, then drops the database; every caller awaits the same one clean-up. */
let cleaning: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleaning ??= closeAndDrop();
  return cleaning;
}

async function closeAndDrop(): Promise<void> {
  const server = http;
  http = undefined;
  if (server?.listening) {
    const closed = once(server, 'close');
    server.close();
    server.closeAllConnections();
    await closed.catch(() => undefined);
  }
  const registry = app;
  app = undefined;
  await registry?.stop().catch((error: unknown) => console.error(`could not stop the registry: ${String(error)}`));
  await database?.drop().then(
    () => (database = undefined),
    (error: unknown) => console.error(`could not drop the bench database ${database?.label}: ${String(error)}`),
  );
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

async function engineVersion(registry: RegistryApp): Promise<string> {
  const sql = registry.db.engine === 'sqlite' ? 'SELECT sqlite_version() AS v' : 'SELECT VERSION() AS v';
  const [row] = (await registry.db.manager.query(sql)) as { v: string }[];
  return `${registry.db.flavor} ${row?.v ?? '?'}`;
}

async function main(): Promise<number> {
  const settings = {
    runs: intFromEnv('BENCH_LINEAGE_RUNS', 20, 1, 1000),
    warmup: intFromEnv('BENCH_LINEAGE_WARMUP', 3, 0, 100),
    budgetMs: intFromEnv('BENCH_LINEAGE_CASE_SECONDS', 15, 1, 600) * 1000,
  };
  const target = process.env.BENCH_DATABASE_URL || ((await reachable(DEFAULT_SERVER_URL)) ? DEFAULT_SERVER_URL : 'sqlite:');
  if (!process.env.BENCH_DATABASE_URL && target === 'sqlite:') console.log(`no database server at ${DEFAULT_SERVER_URL}: using SQLite`);
  database = await createLineageBenchDatabase(target);
  const limits = defaultQueryLimits();
  app = await RegistryApp.create({ databaseUrl: database.url, limits, log: pino({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' }) });
  console.log(`database: ${database.label} (${await engineVersion(app)}); load average ${load()} on ${cpus().length} CPUs`);

  console.log('inserting the chain and the DAGs…');
  const data = await insertLineageData(app, { chainDepth: 1000, dagWidth: 100, dagNodes: 10_001, smallDagWidth: 50, smallDagNodes: 5_000 });
  console.log(`inserted ${data.rows} rows in ${(data.ms / 1000).toFixed(1)} s: a ${data.chain.length - 1}-deep version chain,` +
    ` a ${data.dag.nodes}-node DAG (${data.dag.edges} edges) and a ${data.smallDag.nodes}-node DAG (${data.smallDag.edges} edges)`);

  http = createHttpServer(app, limits);
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
  console.log(`server:   ${url} — ${settings.warmup} warm-ups, then ${settings.runs} timed runs per query (sequential)\n`);

  const counter = statementCounter(app);
  const rows: Row[] = [];
  for (const c of cases(data)) {
    if (cleaning) return 1; // interrupted: the signal handler cleans up and exits
    const row = await runCase(app, url, counter, c, settings);
    rows.push(row);
    console.log(`  ${c.name}: ${row.error ? 'FAILED' : `${row.ms.length} runs`}`);
  }
  console.log('');
  printTable(rows);
  console.log('\nms: client-side, POST sent → whole response body read. SQL/req: statements per HTTP request.');
  console.log(`load average ${load()} at the end (${cpus().length} CPUs): timings on a busy machine are noisy.`);
  const failed = rows.filter((r) => r.error || r.mismatch);
  for (const r of failed) console.error(`FAILED ${r.c.name}: ${r.error ?? r.mismatch}`);
  return failed.length ? 1 : 0;
}

// A second signal while cleaning up exits at once, naming what it leaves behind.
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.on(signal, () => {
    if (cleaning) {
      console.error(`\n${signal} again: exiting without finishing the clean-up${database ? ` (${database.label} may be left behind)` : ''}`);
      process.exit(code);
    }
    console.error(`\n${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(code));
  });
}

main()
  .catch((error: unknown) => {
    if (cleaning) return 1; // interrupted mid-step: the signal handler reports and cleans up
    console.error(`bench:lineage failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  })
  .then(async (code) => {
    await cleanUp();
    process.exit(code);
  });
