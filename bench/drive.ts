import type { StatementCapture, Statement } from './capture';
import type { ServerDatabase } from './common';
import { missingVersions, versionState } from './environment';
import { sqlFloor } from './floor';
import { hasGraphQLErrors } from './graphql';
import { httpLoad, type HttpSlice } from './load';
import { combine, type Slice } from './measure';
import type { Options } from './options';
import type { Peer } from './peer';
import type { ResultRow, WriteCheck } from './report';
import type { Scenario } from './scenarios';
import type { RunningServer } from './server';

export interface Endpoints {
  server: RunningServer;
  adminToken: string;
  /** The bare Apollo Server reference (the main run starts one; `bench:scale` does not). */
  bare?: { url: string; pid: number | undefined };
  peer?: Peer;
}

export interface Prepared {
  sc: Scenario;
  statements: number | null;
  sequences: Statement[][];
  acknowledged: string[];
  load(warmup: number, duration: number): Promise<HttpSlice>;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** Captures the scenario's statements in process and binds its load to its endpoint. */
export async function prepare(sc: Scenario, e: Endpoints, capture: StatementCapture): Promise<Prepared> {
  const counts: number[] = [];
  const sequences: Statement[][] = [];
  for (const op of sc.captured) {
    const statements = await capture.run(op.query, op.variables);
    counts.push(statements.length);
    sequences.push(statements);
  }
  const statements = !counts.length ? null
    : sc.kind === 'mix' ? 0.9 * mean(counts.slice(0, -1)) + 0.1 * counts[counts.length - 1] : mean(counts);
  const json: Record<string, string> = { 'content-type': 'application/json' };
  if (sc.target === 'bare' && !e.bare) throw new Error(`${sc.name} needs the bare Apollo Server`);
  const endpoint = sc.target === 'bare' && e.bare ? { url: e.bare.url, pid: e.bare.pid, headers: json }
    : sc.target === 'peer' && e.peer ? { url: e.peer.url, pid: e.peer.pid, headers: json }
      : { url: e.server.url, pid: e.server.pid, headers: { ...json, authorization: `Bearer ${e.adminToken}`, 'x-actor': 'bench' } };
  const next = sc.target === 'peer' && e.peer ? e.peer.nestedBody : () => JSON.stringify(sc.operations());
  const acknowledged: string[] = [];
  const onBody = sc.kind === 'write' || sc.kind === 'mix' ? (body: string) => {
    if (!body.includes('"createModelVersion":{') || hasGraphQLErrors(body)) return;
    const id = (JSON.parse(body) as { data?: { createModelVersion?: { id?: string } } }).data?.createModelVersion?.id;
    if (id) acknowledged.push(id);
  } : undefined;
  return {
    sc, statements, sequences, acknowledged,
    load: (warmup, duration) => httpLoad({ ...endpoint, connections: sc.connections, warmup, duration, next, onBody }),
  };
}

export function rowOf(p: Prepared, slices: HttpSlice[]): ResultRow {
  return {
    scenario: p.sc.name, description: p.sc.description, kind: p.sc.kind, connections: p.sc.connections, statements: p.statements,
    ...combine(slices),
    rssPeakMb: Math.max(...slices.map((s) => s.rssPeakMb)),
    rssAfterMb: slices[slices.length - 1].rssAfterMb,
  };
}

/**
 * Measures a scenario beside its reference (`partner`) and its SQL floor, alternating in `rounds` slices
 * (scenario, reference, floor, scenario, reference, floor, …; the warm-ups in the first), so a change in
 * machine load during the run weighs on both sides of each ratio alike. Write scenarios end with the write check.
 */
export async function drive(o: Options, sc: Scenario, partner: Scenario | undefined, e: Endpoints, capture: StatementCapture,
  database: ServerDatabase): Promise<{ rows: ResultRow[]; write?: WriteCheck }> {
  const main = await prepare(sc, e, capture);
  const other = partner ? await prepare(partner, e, capture) : undefined;
  const before = main.sc.kind === 'write' || main.sc.kind === 'mix' ? await versionState(database.url) : null;
  const slices: { main: HttpSlice[]; other: HttpSlice[]; floor: Slice[] } = { main: [], other: [], floor: [] };
  const part = o.duration / o.rounds;
  for (let r = 0; r < o.rounds; r++) {
    const warmup = r === 0 ? o.warmup : 0;
    slices.main.push(await main.load(warmup, part));
    if (other) slices.other.push(await other.load(warmup, part));
    if (sc.floor) slices.floor.push(await sqlFloor(database.url, main.sequences, { connections: sc.connections, warmup, duration: part }));
  }
  const row = rowOf(main, slices.main);
  const rows = [row];
  if (other) {
    const ref = rowOf(other, slices.other);
    row.ratio = { to: ref.scenario, value: row.rps / ref.rps };
    rows.push(ref);
  }
  if (sc.floor) {
    row.floor = combine(slices.floor);
    row.ratio = { to: 'floor', value: row.rps / row.floor.rps };
    row.failures += row.floor.failures;
    row.firstError ??= row.floor.firstError;
  }
  if (!before) return { rows };
  const after = await versionState(database.url);
  return {
    rows,
    write: {
      scenario: sc.name, acknowledged: main.acknowledged.length, stored: after.total - before.total,
      missing: await missingVersions(database.url, main.acknowledged), badModels: after.badModels,
    },
  };
}
