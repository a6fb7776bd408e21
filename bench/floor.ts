import { createPool } from 'mysql2/promise';
import type { Statement } from './capture';
import type { Slice } from './measure';

/**
 * The SQL floor of an operation: `connections` async workers, each replaying the statements the server issued
 * for it (captured in process, with their real parameters) one after another through a mysql2 pool of the
 * same size, for a warm-up and then a timed period. One "request" is one whole statement sequence; several
 * sequences (e.g. one per model) are cycled through. No GraphQL, no HTTP: what the database alone costs.
 */
export async function sqlFloor(databaseUrl: string, sequences: Statement[][], options: { connections: number; warmup: number; duration: number }): Promise<Slice> {
  if (!sequences.length) throw new Error('the floor needs at least one captured statement sequence');
  const pool = createPool({ uri: databaseUrl.replace(/^mariadb:/, 'mysql:'), connectionLimit: options.connections, dateStrings: false });
  let next = 0;
  let failures = 0;
  let firstError: string | undefined;
  const run = async (until: number, latencies: number[] | null) => {
    while (performance.now() < until) {
      const sequence = sequences[next++ % sequences.length];
      const started = performance.now();
      try {
        for (const s of sequence) await pool.query(s.sql, s.parameters);
        latencies?.push(performance.now() - started);
      } catch (error) {
        failures++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  const workers = (until: number, latencies: number[] | null) => Promise.all(Array.from({ length: options.connections }, () => run(until, latencies)));
  try {
    await workers(performance.now() + options.warmup * 1000, null);
    const latencies: number[] = [];
    const started = performance.now();
    await workers(started + options.duration * 1000, latencies);
    return { latencies, seconds: (performance.now() - started) / 1000, failures, firstError };
  } finally {
    await pool.end();
  }
}
