/**
 * `npm run bench [-- options]`: seeds a registry on MariaDB, serves it with the built server and measures each
 * scenario under load (autocannon), beside its reference (bare Apollo Server, PostGraphile with --peer) or its
 * SQL floor (the same statements through mysql2). Prints a table and whether each target holds; writes
 * bench/results/latest.json. See bench/README.md.
 *
 * Exits 1 only when requests failed or writes were lost (never on slow numbers): CI runs `--quick` as a smoke test.
 *
 * Environment: BENCH_DATABASE_URL (default mysql://root@127.0.0.1:3306/; a database mg_bench_<random> is
 * created there and dropped after), BENCH_PEER_URL (default postgres://postgres@127.0.0.1:5432/postgres, --peer).
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino } from 'pino';
import { RegistryApp } from '../src/app';
import { defaultQueryLimits } from '../src/config';
import { StatementCapture } from './capture';
import { createServerDatabase, type ServerDatabase } from './common';
import { commit, machine, missingVersions, versionState } from './environment';
import { sqlFloor } from './floor';
import { hasGraphQLErrors } from './graphql';
import { httpLoad } from './load';
import { parseOptions, type Options } from './options';
import { startPeer, type Peer } from './peer';
import { printTable, printTargets, targets, writeLost, type ResultRow, type WriteCheck } from './report';
import { lineageOp, NESTED, scenarios, type Scenario } from './scenarios';
import { seedGraph, type SeededGraph } from './seed/graph';
import { DEFAULT_SIZE, QUICK_SIZE, scaled, totals } from './seed/size';
import { startBareApollo, startServer, tail, makeWorkDir, type RunningServer } from './server';

const cleanups: (() => Promise<unknown>)[] = [];
const work = makeWorkDir();

async function cleanUp(): Promise<void> {
  for (const step of cleanups.splice(0).reverse()) {
    await step().catch((error: unknown) => console.error(`clean-up: ${error instanceof Error ? error.message : String(error)}`));
  }
  work.remove();
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

interface Targets {
  server: RunningServer;
  adminToken: string;
  bare: { url: string; pid: number | undefined };
  peer?: Peer;
}

async function measure(o: Options, sc: Scenario, t: Targets, capture: StatementCapture, database: ServerDatabase): Promise<{ row: ResultRow; write?: WriteCheck }> {
  const counts: number[] = [];
  const sequences = [];
  for (const op of sc.captured) {
    const statements = await capture.run(op.query, op.variables);
    counts.push(statements.length);
    sequences.push(statements);
  }
  const statements = !counts.length ? null
    : sc.kind === 'mix' ? 0.9 * mean(counts.slice(0, -1)) + 0.1 * counts[counts.length - 1] : mean(counts);
  const writes = sc.kind === 'write' || sc.kind === 'mix';
  const before = writes ? await versionState(database.url) : null;
  const acknowledged: string[] = [];
  const json: Record<string, string> = { 'content-type': 'application/json' };
  const endpoint: { url: string; pid: number | undefined; headers: Record<string, string> } = sc.target === 'bare' ? { url: t.bare.url, pid: t.bare.pid, headers: json }
    : sc.target === 'peer' && t.peer ? { url: t.peer.url, pid: t.peer.pid, headers: json }
      : { url: t.server.url, pid: t.server.pid, headers: { ...json, authorization: `Bearer ${t.adminToken}`, 'x-actor': 'bench' } };
  const next = sc.target === 'peer' && t.peer ? t.peer.nestedBody : () => JSON.stringify(sc.operations());
  const measured = await httpLoad({
    url: endpoint.url, headers: endpoint.headers, pid: endpoint.pid, connections: sc.connections, warmup: o.warmup, duration: o.duration, next,
    onBody: writes ? (body) => {
      if (!body.includes('"createModelVersion":{') || hasGraphQLErrors(body)) return;
      const id = (JSON.parse(body) as { data?: { createModelVersion?: { id?: string } } }).data?.createModelVersion?.id;
      if (id) acknowledged.push(id);
    } : undefined,
  });
  const row: ResultRow = {
    scenario: sc.name, description: sc.description, kind: sc.kind, connections: sc.connections, statements, ...measured,
  };
  if (sc.floor) {
    row.floor = await sqlFloor(database.url, sequences, { connections: sc.connections, warmup: o.warmup, duration: o.duration });
    row.ratio = { to: 'floor', value: row.rps / row.floor.rps };
    if (row.floor.failures) row.failures += row.floor.failures;
    row.firstError ??= row.floor.firstError;
  }
  let write: WriteCheck | undefined;
  if (before) {
    const after = await versionState(database.url);
    write = {
      scenario: sc.name, acknowledged: acknowledged.length, stored: after.total - before.total,
      missing: await missingVersions(database.url, acknowledged), badModels: after.badModels,
    };
  }
  return { row, write };
}

/** What the nested read returns on each side (names, versions, metric values, digests), to show the shapes match. */
async function sameShape(url: string, adminToken: string, peer: Peer): Promise<{ registry: string; peer: string }> {
  const count = (text: string) => ['name', 'version', 'value', 'digest']
    .map((key) => `${(text.match(new RegExp(`"${key}":`, 'g')) ?? []).length} ${key}`).join(', ');
  const post = async (to: string, body: string, headers: Record<string, string> = {}) => {
    const response = await fetch(to, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return count(await response.text());
  };
  return {
    registry: await post(url, JSON.stringify({ query: NESTED }), { authorization: `Bearer ${adminToken}` }),
    peer: await post(peer.url, peer.nestedBody()),
  };
}

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  const size = scaled(o.quick ? QUICK_SIZE : DEFAULT_SIZE, o.scale);
  const started = new Date();
  const database = await createServerDatabase(o.databaseUrl, 'mg_bench');
  cleanups.push(() => database.drop());
  const host = await machine(database.url);
  console.log(`database: ${database.label} (MariaDB ${host.mariadb}); ${host.cpus} × ${host.cpuModel}, load average ${host.loadAverage.join(' ')}`);

  // The in-process registry seeds the database and counts each scenario's statements; the measured server is separate.
  const app = await RegistryApp.create({ databaseUrl: database.url, limits: defaultQueryLimits(), log: pino({ level: 'warn' }) });
  cleanups.push(() => app.stop());
  const t = totals(size);
  console.log(`seeding (scale ${o.scale}${o.quick ? ', quick' : ''}): ${t.modelVersions} model versions, ${t.runs} runs, ${t.datasetVersions} dataset versions, ${t.deployments} deployments…`);
  const graph: SeededGraph = await seedGraph(app, size, (line) => console.log(line));
  console.log(`seeded in ${(graph.ms / 1000).toFixed(1)} s (${graph.throughApi} operations through the API, the rest batch-inserted)`);
  const capture = new StatementCapture(app);
  const chainTip = graph.chain[graph.chain.length - 1];
  const lineageStatements = {
    depth25: (await capture.run(lineageOp(chainTip, 'UPSTREAM', 25, 5000).query, lineageOp(chainTip, 'UPSTREAM', 25, 5000).variables)).length,
    depth1000: (await capture.run(lineageOp(chainTip, 'UPSTREAM', 1000, 5000).query, lineageOp(chainTip, 'UPSTREAM', 1000, 5000).variables)).length,
  };

  const adminToken = randomBytes(24).toString('hex');
  const server = await startServer({ databaseUrl: database.url, adminToken, workDir: work.dir });
  cleanups.push(() => server.stop());
  const bare = await startBareApollo();
  cleanups.push(() => bare.stop());
  const targetsOf: Targets = { server, adminToken, bare };
  let peerShape: { registry: string; peer: string } | undefined;
  if (o.peer) {
    targetsOf.peer = await startPeer(o.peerUrl, database.url, (line) => console.log(line));
    cleanups.push(() => targetsOf.peer?.stop() ?? Promise.resolve());
    peerShape = await sameShape(server.url, adminToken, targetsOf.peer);
    console.log(`  nested read, registry vs PostGraphile: ${peerShape.registry} vs ${peerShape.peer}`);
  }
  console.log(`server:   ${server.url} (pid ${server.pid}); bare Apollo ${bare.url}${targetsOf.peer ? `; PostGraphile ${targetsOf.peer.url}` : ''}`);

  const all = scenarios(graph, o.connections, o.peer);
  const selected = all.filter((sc) => !o.only || o.only.has(sc.name));
  if (!selected.length) throw new Error(`--only matched nothing (have: ${all.map((sc) => sc.name).join(', ')})`);
  const rows: ResultRow[] = [];
  const writes: WriteCheck[] = [];
  for (const sc of selected) {
    console.log(`${sc.name}: ${sc.description} — ${sc.connections} connections, ${o.warmup} s warm-up, ${o.duration} s${sc.floor ? ', then its SQL floor' : ''}`);
    const { row, write } = await measure(o, sc, targetsOf, capture, database);
    rows.push(row);
    if (write) writes.push(write);
  }
  for (const row of rows) {
    const reference = selected.find((sc) => sc.name === row.scenario)?.reference;
    const ref = rows.find((r) => r.scenario === reference);
    if (ref) row.ratio = { to: ref.scenario, value: row.rps / ref.rps };
  }

  const compare = o.compare ? JSON.parse(readFileSync(o.compare, 'utf8')) as { scale?: number; results: ResultRow[] } : undefined;
  console.log('');
  printTable(rows, compare ? { label: `×${compare.scale ?? '?'}`, rows: compare.results } : undefined);
  console.log('\nratio: req/s over the reference or floor named (within one run). SQL/req: statements per request, counted in process.');
  const list = targets(rows, writes, lineageStatements);
  console.log('targets:');
  printTargets(list);
  const ended = await machine(database.url);
  console.log(`load average ${ended.loadAverage.join(' ')} at the end on ${host.cpus} CPUs: absolute numbers move with machine load; ratios within one run hold.`);

  const failed = rows.filter((r) => r.failures > 0);
  for (const r of failed) console.error(`FAILED ${r.scenario}: ${r.failures} failed requests; first: ${r.firstError ?? '?'}`);
  const lost = writes.filter(writeLost);
  for (const w of lost) {
    console.error(`WRITES LOST ${w.scenario}: ${w.acknowledged} acknowledged, ${w.missing} of them missing, ${w.stored} stored; bad models: ${w.badModels.join(', ') || 'none'}`);
  }
  if (failed.length) console.error(`--- server log (tail) ---\n${tail(server.logFile)}`);

  mkdirSync(dirname(o.out), { recursive: true });
  writeFileSync(o.out, `${JSON.stringify({
    timestamp: started.toISOString(),
    commit: commit(),
    machine: { ...host, loadAverageEnd: ended.loadAverage },
    scale: o.scale,
    quick: o.quick,
    settings: { connections: o.connections, warmup: o.warmup, duration: o.duration, peer: o.peer },
    seed: { size, totals: t, seconds: Number((graph.ms / 1000).toFixed(1)), throughApi: graph.throughApi },
    results: rows,
    lineageStatements,
    peerShape,
    writes,
    targets: list,
  }, null, 2)}\n`);
  console.log(`results: ${o.out}`);
  return failed.length || lost.length ? 1 : 0;
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(code));
  });
}

main()
  .catch((error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    return 1;
  })
  .then(async (code) => {
    await cleanUp();
    process.exit(code);
  });
