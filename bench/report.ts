import type { Measured } from './measure';
import type { Kind } from './scenarios';

export interface ResultRow extends Measured {
  scenario: string;
  description: string;
  kind: Kind;
  connections: number;
  /** SQL statements per request (captured in process; the mix weighs reads 9 : 1 against the write). */
  statements: number | null;
  rssPeakMb: number;
  rssAfterMb: number;
  floor?: Measured;
  /** req/s of this row over req/s of its reference or floor. */
  ratio?: { to: string; value: number };
}

export interface WriteCheck {
  scenario: string;
  /** Successful createModelVersion responses (warm-up included). */
  acknowledged: number;
  /** Acknowledged ids not found in the database afterwards. */
  missing: number;
  /** Rows added: at least `acknowledged`; more by the requests still in flight when the load stopped (their responses are dropped). */
  stored: number;
  /** Models whose sequence numbers have a gap or a duplicate, or whose count disagrees with its rows. */
  badModels: string[];
}

export const writeLost = (w: WriteCheck) => w.missing > 0 || w.stored < w.acknowledged || w.badModels.length > 0;

export interface Target {
  name: string;
  /** null: not measured in this run. */
  holds: boolean | null;
  detail: string;
}

/** A number for a table cell ('-' when absent or not finite). */
export const fx = (v: number | undefined | null, digits = 1) => (v === undefined || v === null || !Number.isFinite(v) ? '-' : v.toFixed(digits));

export function targets(rows: ResultRow[], writes: WriteCheck[], lineageStatements: { depth25: number; depth1000: number } | null): Target[] {
  const row = (name: string) => rows.find((r) => r.scenario === name);
  const ratioTarget = (name: string, of: string, min: number, label: string): Target => {
    const r = row(name);
    if (!r?.ratio) return { name: label, holds: null, detail: `not measured (${of} not run)` };
    return { name: label, holds: r.ratio.value >= min, detail: `${fx(r.ratio.value, 2)}× of ${r.ratio.to} req/s (need ≥ ${min})` };
  };
  const reads = rows.filter((r) => r.kind === 'read');
  const spread = reads.filter((r) => !(r.p99 <= 5 * r.p50));
  const mix = row('mix-90-10');
  const lost = writes.filter(writeLost);
  return [
    ratioTarget('nested-list', 'the peer', 2, 'nested read ≥ 2× PostGraphile'),
    ratioTarget('typename', 'bare Apollo', 0.8, '{ __typename } ≥ 80% of bare Apollo'),
    ratioTarget('typical-read', 'its SQL floor', 0.5, 'typical read ≥ 50% of its SQL floor'),
    {
      name: 'p99 ≤ 5× p50 in every read scenario',
      holds: reads.length ? spread.length === 0 : null,
      detail: reads.length ? (spread.length ? `not in ${spread.map((r) => `${r.scenario} (${fx(r.p99 / r.p50, 1)}×)`).join(', ')}` : `worst ${fx(Math.max(...reads.map((r) => r.p99 / r.p50)), 1)}×`) : 'no read scenario run',
    },
    {
      name: 'lineage statements constant in depth',
      holds: lineageStatements ? lineageStatements.depth25 === lineageStatements.depth1000 : null,
      detail: lineageStatements ? `chain UPSTREAM depth 25: ${lineageStatements.depth25}, depth 1,000: ${lineageStatements.depth1000}` : 'not measured',
    },
    ratioTarget('lineage-1000-up', 'its SQL floor', 0.5, '1,000-deep lineage ≤ 2× its SQL floor (req/s ≥ 50%)'),
    {
      name: 'RSS < 300 MB under the mix',
      holds: mix && Number.isFinite(mix.rssPeakMb) ? mix.rssPeakMb < 300 : null,
      detail: mix ? `peak ${fx(mix.rssPeakMb, 0)} MB, ${fx(mix.rssAfterMb, 0)} MB after` : 'mix not run',
    },
    {
      name: 'writes lose nothing',
      holds: writes.length ? lost.length === 0 : null,
      detail: writes.length
        ? writes.map((w) => `${w.scenario}: ${w.acknowledged} acknowledged (${w.missing} missing), ${w.stored} stored${w.badModels.length ? `, gaps/duplicates in ${w.badModels.join(', ')}` : ', sequences gap-free'}`).join('; ')
        : 'no write scenario run',
    },
  ];
}

export function printTable(rows: ResultRow[], compare?: { label: string; rows: ResultRow[] }): void {
  const header = ['scenario', 'conn', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'SQL/req', 'RSS MB', 'floor req/s', 'ratio', 'failed'];
  if (compare) header.push(`p50 ${compare.label}`, `p99 ${compare.label}`);
  const cells = rows.map((r) => {
    const c = [
      r.scenario, String(r.connections), fx(r.rps), fx(r.p50, 2), fx(r.p95, 2), fx(r.p99, 2),
      r.statements === null ? '-' : fx(r.statements, Number.isInteger(r.statements) ? 0 : 1), fx(r.rssPeakMb, 0),
      r.floor ? fx(r.floor.rps) : '-', r.ratio ? `${fx(r.ratio.value, 2)}× ${r.ratio.to}` : '-', String(r.failures),
    ];
    if (compare) {
      const other = compare.rows.find((o) => o.scenario === r.scenario);
      c.push(fx(other?.p50, 2), fx(other?.p99, 2));
    }
    return c;
  });
  printColumns(header, cells, [0, 9]);
}

/** A table of text cells in aligned columns: numbers right-aligned, the columns `left` left-aligned. */
export function printColumns(header: string[], cells: string[][], left: number[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => (left.includes(i) ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

export function printTargets(list: Target[]): void {
  for (const t of list) console.log(`  ${t.holds === null ? 'n/a ' : t.holds ? 'HOLDS' : 'MISS '}  ${t.name}: ${t.detail}`);
}
