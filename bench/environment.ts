import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { createConnection } from 'mysql2/promise';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memMb: number;
  node: string;
  mariadb: string;
  loadAverage: number[];
}

export async function machine(databaseUrl: string): Promise<Machine> {
  const conn = await createConnection({ uri: databaseUrl, connectTimeout: 5_000 });
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    const version = (rows as { v: string }[])[0]?.v ?? '?';
    return {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? '?',
      memMb: Math.round(totalmem() / 2 ** 20),
      node: process.version,
      mariadb: version,
      loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
    };
  } finally {
    await conn.end();
  }
}

/** The seeded database's size (data and indexes) beside the InnoDB buffer pool that caches it. */
export async function storageFit(databaseUrl: string): Promise<{ dataMb: number; bufferPoolMb: number }> {
  const conn = await createConnection({ uri: databaseUrl, connectTimeout: 5_000 });
  try {
    const [size] = await conn.query('SELECT COALESCE(SUM(data_length + index_length), 0) AS bytes FROM information_schema.tables WHERE table_schema = DATABASE()');
    const [pool] = await conn.query('SELECT @@innodb_buffer_pool_size AS bytes');
    const mb = (rows: unknown) => Math.round(Number((rows as { bytes: number | string }[])[0]?.bytes ?? 0) / 2 ** 20);
    return { dataMb: mb(size), bufferPoolMb: mb(pool) };
  } finally {
    await conn.end();
  }
}

/** The line a run prints about it: the data's size beside the pool, and what it means when the data does not fit. */
export function storageFitLine(fit: { dataMb: number; bufferPoolMb: number }): string {
  return `data ${fit.dataMb} MB, InnoDB buffer pool ${fit.bufferPoolMb} MB${fit.dataMb > fit.bufferPoolMb
    ? ': the data does not fit, so reads wait for storage (raise innodb_buffer_pool_size to compare scales, see bench/README.md)' : ''}`;
}

/** The checked-out commit, marked "+dirty" when the work tree has changes. */
export function commit(): string {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return `${git('rev-parse', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? '+dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}

/** Model version rows and sequence integrity: every model's sequences are exactly 1..n and its count is n. */
export async function versionState(databaseUrl: string): Promise<{ total: number; badModels: string[] }> {
  const conn = await createConnection({ uri: databaseUrl, connectTimeout: 5_000 });
  try {
    const [rows] = await conn.query(`SELECT m.name, m.version_count AS vc, COUNT(v.id) AS n, COUNT(DISTINCT v.sequence) AS d,
        COALESCE(MIN(v.sequence), 0) AS lo, COALESCE(MAX(v.sequence), 0) AS hi
      FROM model m LEFT JOIN model_version v ON v.model_id = m.id GROUP BY m.id, m.name, m.version_count`);
    const list = rows as { name: string; vc: number; n: number; d: number; lo: number; hi: number }[];
    const bad = list.filter((r) => {
      const [vc, n, d, lo, hi] = [r.vc, r.n, r.d, r.lo, r.hi].map(Number);
      return n !== d || n !== vc || (n > 0 && (lo !== 1 || hi !== n));
    });
    return { total: list.reduce((sum, r) => sum + Number(r.n), 0), badModels: bad.map((r) => r.name) };
  } finally {
    await conn.end();
  }
}

/** How many of these model version ids have no row. */
export async function missingVersions(databaseUrl: string, ids: string[]): Promise<number> {
  if (!ids.length) return 0;
  const conn = await createConnection({ uri: databaseUrl, connectTimeout: 5_000 });
  try {
    let found = 0;
    for (let i = 0; i < ids.length; i += 1000) {
      const [rows] = await conn.query('SELECT COUNT(*) AS n FROM model_version WHERE id IN (?)', [ids.slice(i, i + 1000)]);
      found += Number((rows as { n: number }[])[0].n);
    }
    return ids.length - found;
  } finally {
    await conn.end();
  }
}
