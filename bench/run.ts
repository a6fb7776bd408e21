/**
 * `npm run bench`: starts the built server on a free loopback port, seeds it through the API, then drives
 * each scenario with autocannon for a fixed time and prints one table. Exits 1 if any request failed
 * (socket error, timeout, non-2xx, or a GraphQL error in a 200 body).
 *
 * Environment (all optional):
 *   BENCH_DATABASE_URL   mysql://root@127.0.0.1:3306/test → a fresh database on that server (dropped after);
 *                        sqlite:PATH → that file; unset → a temporary SQLite file
 *   BENCH_DURATION       seconds per scenario (default 5)      BENCH_WARMUP  seconds before each (default 1)
 *   BENCH_CONNECTIONS    concurrent connections (default 10)
 *   BENCH_SCENARIOS      comma list: nested-list,point-lookup,create-version,run-metrics,metric-history (default all)
 *   BENCH_MODELS, BENCH_VERSIONS_PER_MODEL, BENCH_RUNS_PER_MODEL, BENCH_DATASETS,
 *   BENCH_VERSIONS_PER_DATASET, BENCH_EXPERIMENTS, BENCH_METRIC_POINTS (one long run; 0 for none),
 *   BENCH_SEED_CONCURRENCY   seed size (see seed.ts)
 */
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { intFromEnv } from './common';
import { firstErrorOf, gql, hasGraphQLErrors, headersFor, type Endpoint } from './graphql';
import { scenarios, type Scenario } from './scenarios';
import { DEFAULT_SEED_SIZE, seed, type SeedSize } from './seed';
import { createBenchDatabase, makeWorkDir, startServer, tail, type BenchDatabase, type RunningServer } from './server';

interface Settings {
  duration: number;
  warmup: number;
  connections: number;
  only: Set<string> | null;
  size: SeedSize;
}

function settings(): Settings {
  const d = DEFAULT_SEED_SIZE;
  const only = process.env.BENCH_SCENARIOS?.split(',').map((s) => s.trim()).filter(Boolean);
  return {
    duration: intFromEnv('BENCH_DURATION', 5, 1, 300),
    warmup: intFromEnv('BENCH_WARMUP', 1, 0, 60),
    connections: intFromEnv('BENCH_CONNECTIONS', 10, 1, 1000),
    only: only?.length ? new Set(only) : null,
    size: {
      models: intFromEnv('BENCH_MODELS', d.models, 1, 100_000),
      versionsPerModel: intFromEnv('BENCH_VERSIONS_PER_MODEL', d.versionsPerModel, 1, 10_000),
      runsPerModel: intFromEnv('BENCH_RUNS_PER_MODEL', d.runsPerModel, 1, 1_000),
      datasets: intFromEnv('BENCH_DATASETS', d.datasets, 1, 100_000),
      versionsPerDataset: intFromEnv('BENCH_VERSIONS_PER_DATASET', d.versionsPerDataset, 1, 10_000),
      experiments: intFromEnv('BENCH_EXPERIMENTS', d.experiments, 1, 10_000),
      metricPoints: intFromEnv('BENCH_METRIC_POINTS', d.metricPoints, 0, 10_000_000),
      concurrency: intFromEnv('BENCH_SEED_CONCURRENCY', d.concurrency, 1, 256),
    },
  };
}

interface Row {
  scenario: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  graphqlErrors: number;
  firstError?: string;
}

const failures = (r: Row) => r.errors + r.timeouts + r.non2xx + r.graphqlErrors;

async function runScenario(endpoint: Endpoint, scenario: Scenario, s: Settings): Promise<Row> {
  // One request first: a broken operation fails here with its message instead of as N identical errors.
  await gql(endpoint, scenario.sample.query, scenario.sample.variables).catch((error: unknown) => {
    throw new Error(`${scenario.name}: the preflight request failed: ${error instanceof Error ? error.message : String(error)}`);
  });
  let firstError: string | undefined;
  const result = await autocannon({
    url: endpoint.url,
    title: scenario.name,
    method: 'POST',
    headers: headersFor(endpoint),
    connections: s.connections,
    duration: s.duration,
    timeout: 10,
    requests: scenario.requests,
    ...(s.warmup > 0 ? { warmup: { connections: s.connections, duration: s.warmup } } : {}),
    verifyBody: (body) => {
      if (!hasGraphQLErrors(body)) return true;
      firstError ??= firstErrorOf(body);
      return false;
    },
  });
  return {
    scenario: scenario.name,
    requests: result.latency.totalCount,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors - result.timeouts,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    graphqlErrors: result.mismatches,
    firstError,
  };
}

function printTable(rows: Row[]): void {
  const header = ['scenario', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'timeouts', 'non-2xx', 'gql errors'];
  const cells = rows.map((r) => [
    r.scenario, String(r.requests), r.rps.toFixed(1), r.p50.toFixed(1), r.p99.toFixed(1),
    String(r.errors), String(r.timeouts), String(r.non2xx), String(r.graphqlErrors),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
  for (const r of rows) if (r.firstError) console.log(`${r.scenario}: first GraphQL error: ${r.firstError}`);
}

let server: RunningServer | undefined;
let database: BenchDatabase | undefined;
const work = makeWorkDir();

async function cleanUp(): Promise<void> {
  const s = server;
  server = undefined;
  await s?.stop().catch((error: unknown) => console.error(`could not stop the server: ${String(error)}`));
  const db = database;
  database = undefined;
  await db?.drop().catch((error: unknown) => console.error(`could not drop the bench database: ${String(error)}`));
  work.remove();
}

async function main(): Promise<number> {
  const s = settings();
  database = await createBenchDatabase(work.dir, process.env.BENCH_DATABASE_URL || undefined);
  console.log(`database: ${database.label}`);
  const adminToken = randomBytes(24).toString('hex');
  server = await startServer({ databaseUrl: database.url, adminToken, workDir: work.dir });
  const endpoint: Endpoint = { url: server.url, token: adminToken };
  console.log(`server:   ${server.url}`);

  console.log('seeding through the API…');
  const seeded = await seed(endpoint, s.size, (line) => console.log(line));
  console.log(`seeded ${seeded.versions.length} model versions with ${seeded.mutations} mutations in ${(seeded.ms / 1000).toFixed(1)} s` +
    ` (${((seeded.mutations * 1000) / seeded.ms).toFixed(0)} mutations/s)`);

  const selected = scenarios(seeded).filter((sc) => !s.only || s.only.has(sc.name));
  if (!selected.length) throw new Error(`BENCH_SCENARIOS matched nothing (have: ${scenarios(seeded).map((sc) => sc.name).join(', ')})`);
  const rows: Row[] = [];
  for (const scenario of selected) {
    console.log(`\n${scenario.name}: ${scenario.description} — ${s.connections} connections, ${s.warmup} s warm-up, ${s.duration} s`);
    rows.push(await runScenario(endpoint, scenario, s));
  }
  console.log('');
  printTable(rows);
  const failed = rows.filter((r) => failures(r) > 0);
  if (failed.length) {
    console.error(`\nFAILED: requests errored in ${failed.map((r) => r.scenario).join(', ')}`);
    console.error(`--- server log (tail) ---\n${tail(server.logFile)}`);
    return 1;
  }
  return 0;
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the server`);
    void cleanUp().finally(() => process.exit(code));
  });
}

main()
  .catch((error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
    if (server) console.error(`--- server log (tail) ---\n${tail(server.logFile)}`);
    return 1;
  })
  .then(async (code) => {
    await cleanUp();
    process.exit(code);
  });
