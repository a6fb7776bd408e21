import { Command, InvalidArgumentError } from 'commander';

export interface Options {
  quick: boolean;
  scale: number;
  peer: boolean;
  compare?: string;
  connections: number;
  warmup: number;
  duration: number;
  rounds: number;
  only?: Set<string>;
  out: string;
  databaseUrl: string;
  peerUrl: string;
}

const positive = (name: string, integer: boolean) => (raw: string): number => {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new InvalidArgumentError(`${name} must be a positive ${integer ? 'whole ' : ''}number`);
  }
  return value;
};

/**
 * `npm run bench -- [options]`; the database servers come from BENCH_DATABASE_URL and BENCH_PEER_URL. `defaults`:
 * another bench's own scale and results file (bench:scale compares with 10× and writes scale-latest.json).
 */
export function parseOptions(argv: string[], defaults: { scale: number; out: string } = { scale: 1, out: 'bench/results/latest.json' }): Options {
  const program = new Command('bench')
    .description('Seeds a registry on MariaDB, serves it with the built server and measures it under load (autocannon)')
    .option('--quick', 'CI smoke: small seed, 2 s per scenario')
    .option('--scale <n>', 'multiply the seed (models, experiments, datasets, deployments)', positive('--scale', false), defaults.scale)
    .option('--peer', 'also serve the same shape with PostGraphile 4 on PostgreSQL and compare the nested read')
    .option('--compare <file>', 'a results JSON (e.g. bench/results/baseline.json) shown beside this run')
    .option('--connections <n>', 'concurrent connections of every read scenario', positive('--connections', true), 8)
    .option('--warmup <s>', 'seconds of warm-up before each scenario', positive('--warmup', false))
    .option('--duration <s>', 'seconds measured per scenario', positive('--duration', false))
    .option('--rounds <n>', 'slices a scenario and its reference/floor alternate in (default 2; 1 with --quick)', positive('--rounds', true))
    .option('--only <names>', 'comma list of scenarios to run')
    .option('--out <file>', 'where to write the results JSON', defaults.out)
    .showHelpAfterError();
  program.parse(argv, { from: 'user' });
  const o = program.opts<{ quick?: boolean; scale: number; peer?: boolean; compare?: string; connections: number;
    warmup?: number; duration?: number; rounds?: number; only?: string; out: string }>();
  const quick = o.quick ?? false;
  const only = o.only?.split(',').map((s) => s.trim()).filter(Boolean);
  return {
    quick,
    scale: o.scale,
    peer: o.peer ?? false,
    compare: o.compare,
    connections: o.connections,
    warmup: o.warmup ?? (quick ? 1 : 3),
    duration: o.duration ?? (quick ? 2 : 10),
    rounds: o.rounds ?? (quick ? 1 : 2),
    only: only?.length ? new Set(only) : undefined,
    out: o.out,
    databaseUrl: process.env.BENCH_DATABASE_URL || 'mysql://root@127.0.0.1:3306/',
    peerUrl: process.env.BENCH_PEER_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  };
}
