/**
 * `npm run bench:scale [-- --scale N]` (default 10): whether reads stay as fast on N times the data. Seeds the
 * default graph and the one N times larger into two databases, serves each with its own built server, and runs
 * each read scenario on both, alternating slice by slice (default scale, N×, default scale, N×, …) so a change in
 * machine load weighs on both sides alike. Reports each side's latencies and statements per request, the p50
 * ratio, and whether list, filter and lineage stay within 1.5× of the default scale. Writes
 * bench/results/scale-latest.json (or --out). See bench/README.md.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino } from 'pino';
import { RegistryApp } from '../src/app';
import { defaultQueryLimits } from '../src/config';
import { StatementCapture } from './capture';
import { createServerDatabase, runBench, type CleanUps } from './common';
import { prepare, rowOf, type Prepared } from './drive';
import { commit, machine, storageFit, storageFitLine } from './environment';
import type { HttpSlice } from './load';
import { parseOptions } from './options';
import { fx, printColumns, type ResultRow } from './report';
import { scenarios } from './scenarios';
import { seedGraph } from './seed/graph';
import { DEFAULT_SIZE, QUICK_SIZE, scaled, totals } from './seed/size';
import { makeWorkDir, startServer } from './server';

/** The read scenarios compared across scales, and whether each is held to the 1.5× target. */
const COMPARED: { name: string; target: boolean }[] = [
  { name: 'typical-read', target: false },
  { name: 'nested-list', target: true },
  { name: 'filter', target: true },
  { name: 'lineage-25-both', target: true },
  { name: 'lineage-1000-up', target: true },
];
const MAX_P50_RATIO = 1.5;

const work = makeWorkDir();
// The work directory goes last.
const cleanups: CleanUps = [() => work.remove()];

interface Side {
  databaseUrl: string;
  scale: number;
  capture: StatementCapture;
  endpoints: Parameters<typeof prepare>[1];
  graph: Awaited<ReturnType<typeof seedGraph>>;
}

/** A database seeded at `scale`, its in-process registry (to capture statements) and its own server. */
async function side(databaseUrl: string, scale: number, quick: boolean, adminToken: string): Promise<Side> {
  const database = await createServerDatabase(databaseUrl, `mg_bench_x${scale}`);
  cleanups.push(() => database.drop());
  const app = await RegistryApp.create({ databaseUrl: database.url, limits: defaultQueryLimits(), log: pino({ level: 'warn' }) });
  cleanups.push(() => app.stop());
  const size = scaled(quick ? QUICK_SIZE : DEFAULT_SIZE, scale);
  const t = totals(size);
  console.log(`seeding ×${scale}: ${t.modelVersions} model versions, ${t.runs} runs, ${t.datasetVersions} dataset versions, ${t.deployments} deployments…`);
  const graph = await seedGraph(app, size, () => undefined);
  const fit = await storageFit(database.url);
  console.log(`  seeded in ${(graph.ms / 1000).toFixed(1)} s; ${storageFitLine(fit)}`);
  const server = await startServer({ databaseUrl: database.url, adminToken, workDir: work.dir });
  cleanups.push(() => server.stop());
  return { databaseUrl: database.url, scale, capture: new StatementCapture(app), endpoints: { server, adminToken }, graph };
}

interface Compared {
  scenario: string;
  held: boolean;
  base: ResultRow;
  large: ResultRow;
  p50Ratio: number;
  p99Ratio: number;
}

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2), { scale: 10, out: 'bench/results/scale-latest.json' });
  const { scale, out } = o;
  if (scale <= 1) throw new Error('--scale must be above 1: it is compared with the default scale');
  const started = new Date();
  const adminToken = randomBytes(24).toString('hex');
  const base = await side(o.databaseUrl, 1, o.quick, adminToken);
  const large = await side(o.databaseUrl, scale, o.quick, adminToken);
  const host = await machine(base.databaseUrl);
  console.log(`${host.cpus} × ${host.cpuModel}, MariaDB ${host.mariadb}, load average ${host.loadAverage.join(' ')}`);

  const results: Compared[] = [];
  for (const { name, target } of COMPARED.filter((c) => !o.only || o.only.has(c.name))) {
    const of = (s: Side) => scenarios(s.graph, o.connections, false).find((sc) => sc.name === name)!;
    const sides: [Prepared, Prepared] = [await prepare(of(base), base.endpoints, base.capture), await prepare(of(large), large.endpoints, large.capture)];
    console.log(`${name}: ${sides[0].sc.description} — ×1 and ×${scale} alternating, ${o.connections} connections, ${o.warmup} s warm-up, ${o.duration} s each in ${o.rounds} slice(s)`);
    const slices: [HttpSlice[], HttpSlice[]] = [[], []];
    for (let r = 0; r < o.rounds; r++) {
      for (const i of [0, 1] as const) slices[i].push(await sides[i].load(r === 0 ? o.warmup : 0, o.duration / o.rounds));
    }
    const [b, l] = [rowOf(sides[0], slices[0]), rowOf(sides[1], slices[1])];
    results.push({ scenario: name, held: target, base: b, large: l, p50Ratio: l.p50 / b.p50, p99Ratio: l.p99 / b.p99 });
  }

  console.log('');
  const header = ['scenario', 'SQL/req ×1', `SQL/req ×${scale}`, 'req/s ×1', `req/s ×${scale}`, 'p50 ×1', `p50 ×${scale}`, 'p99 ×1', `p99 ×${scale}`, 'p50 ratio', 'p99 ratio', 'failed'];
  const sql = (n: number | null) => fx(n, n !== null && Number.isInteger(n) ? 0 : 1);
  const cells = results.map((r) => [r.scenario, sql(r.base.statements), sql(r.large.statements), fx(r.base.rps), fx(r.large.rps),
    fx(r.base.p50, 2), fx(r.large.p50, 2), fx(r.base.p99, 2), fx(r.large.p99, 2), `${fx(r.p50Ratio, 2)}×`, `${fx(r.p99Ratio, 2)}×`,
    String(r.base.failures + r.large.failures)]);
  printColumns(header, cells, [0]);
  const held = results.filter((r) => r.held);
  const worst = held.reduce<Compared | undefined>((w, r) => (!w || r.p50Ratio > w.p50Ratio ? r : w), undefined);
  const holds = worst ? held.every((r) => r.p50Ratio <= MAX_P50_RATIO) : null;
  console.log(`\ntarget: list, filter and lineage p50 at ×${scale} within ${MAX_P50_RATIO}× of the default scale: ${holds === null ? 'n/a (not run)'
    : `${holds ? 'HOLDS' : 'MISS'} (worst ${worst!.scenario} ${fx(worst!.p50Ratio, 2)}×)`}`);
  const differ = results.filter((r) => r.base.statements !== r.large.statements).map((r) => r.scenario);
  const sameStatements = differ.length === 0;
  console.log(`statements per request: ${sameStatements ? 'the same at both scales' : `differ between the scales in ${differ.join(', ')}`}`);

  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({
    timestamp: started.toISOString(),
    commit: commit(),
    machine: host,
    scale,
    quick: o.quick,
    settings: { connections: o.connections, warmup: o.warmup, duration: o.duration, rounds: o.rounds },
    results,
    target: { maxP50Ratio: MAX_P50_RATIO, holds, sameStatements },
  }, null, 2)}\n`);
  console.log(`results: ${out}`);
  return results.some((r) => r.base.failures + r.large.failures > 0) ? 1 : 0;
}

runBench('bench:scale', cleanups, main);
