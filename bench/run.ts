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
import { createServerDatabase, runBench, type CleanUps } from './common';
import { drive, type Endpoints } from './drive';
import { commit, machine, storageFit, storageFitLine } from './environment';
import { parseOptions } from './options';
import { startPeer, type Peer } from './peer';
import { printTable, printTargets, targets, writeLost, type ResultRow, type WriteCheck } from './report';
import { lineageOp, NESTED, scenarios } from './scenarios';
import { seedGraph, type SeededGraph } from './seed/graph';
import { DEFAULT_SIZE, QUICK_SIZE, scaled, totals } from './seed/size';
import { startBareApollo, startServer, tail, makeWorkDir } from './server';

const work = makeWorkDir();
// The work directory goes last.
const cleanups: CleanUps = [() => work.remove()];

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
  const fit = await storageFit(database.url);
  console.log(storageFitLine(fit));
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
  const targetsOf: Endpoints = { server, adminToken, bare };
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
  // A reference runs with the scenario that names it, slice by slice (see drive.ts).
  const referenced = new Set(selected.map((sc) => sc.reference));
  for (const sc of selected.filter((x) => !referenced.has(x.name))) {
    const partner = selected.find((x) => x.name === sc.reference);
    const also = [partner ? `beside ${partner.name}` : '', sc.floor ? 'beside its SQL floor' : ''].filter(Boolean).join(', ');
    console.log(`${sc.name}: ${sc.description} — ${sc.connections} connections, ${o.warmup} s warm-up, ${o.duration} s${also ? ` ${also}` : ''} in ${o.rounds} slice(s)`);
    const result = await drive(o, sc, partner, targetsOf, capture, database);
    rows.push(...result.rows);
    if (result.write) writes.push(result.write);
  }
  const order = (r: ResultRow) => selected.findIndex((sc) => sc.name === r.scenario);
  rows.sort((a, b) => order(a) - order(b));

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
    settings: { connections: o.connections, warmup: o.warmup, duration: o.duration, rounds: o.rounds, peer: o.peer },
    seed: { size, totals: t, seconds: Number((graph.ms / 1000).toFixed(1)), throughApi: graph.throughApi, ...fit },
    results: rows,
    lineageStatements,
    peerShape,
    writes,
    targets: list,
  }, null, 2)}\n`);
  console.log(`results: ${o.out}`);
  return failed.length || lost.length ? 1 : 0;
}

runBench('bench', cleanups, main);
