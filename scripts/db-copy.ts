/**
 * Copies a registry from one database to another, typically off the embedded SQLite default onto MySQL/MariaDB:
 *
 *   npm run db:copy -- --from sqlite:./data/registry.db --to mysql://user:pass@host:3306/modelgraph [--batch 500]
 *
 * The source must have run exactly the migrations this build knows (start the registry on it once first);
 * the target is migrated here, then must hold no rows. Every entity table is copied in one transaction on the
 * target (all or nothing), read from one consistent snapshot of the source, parents before children, with the
 * target's foreign key checks off for the copy (SQLite then checks them all before committing). Values pass
 * through the entities, so dates, JSON and booleans take each engine's own form; audit events keep their
 * stored canonical text, sequence and hash, so the chain verifies on the target. At the end, each table's row
 * count and checksum (normalized values, see store.ts) is computed on both sides and must match.
 * Exit 0 copied and verified, 1 refused or failed, 2 usage.
 */
import 'reflect-metadata';
import { Command } from 'commander';
import type { DataSource, EntityMetadata, QueryRunner } from 'typeorm';
import { runMigrationsLocked } from '../src/db/migration-lock';
import {
  appliedMigrations, DEFAULT_BATCH, KNOWN_MIGRATIONS, openStore, parseArguments, readBatches, redactUrl, runAsScript, runTool,
  StoreError, summarize, tablesInDependencyOrder, unmappedTables, type TableSummary,
} from './store';

export interface CopyReport {
  tables: (TableSummary & { targetChecksum: string; targetRows: number })[];
  rows: number;
  ms: number;
}

export interface CopyOptions {
  from: string;
  to: string;
  batch?: number;
  /** Progress lines (default: none). */
  progress?: (line: string) => void;
}

const isSqlite = (ds: DataSource) => ds.options.type === 'better-sqlite3';

export async function copyStore(options: CopyOptions): Promise<CopyReport> {
  const batch = options.batch ?? DEFAULT_BATCH;
  const say = options.progress ?? (() => undefined);
  const started = Date.now();
  const source = await openStore(options.from, { mustExist: true });
  let target: DataSource | undefined;
  try {
    const sourceMigrations = await appliedMigrations(source.manager);
    if (JSON.stringify(sourceMigrations) !== JSON.stringify(KNOWN_MIGRATIONS)) {
      throw new StoreError(`the source has run ${sourceMigrations.length} of this build's ${KNOWN_MIGRATIONS.length} migrations `
        + `(last: ${sourceMigrations.at(-1) ?? 'none'}); start this version of the registry on it once, then copy`);
    }
    const extra = await unmappedTables(source);
    if (extra.length) throw new StoreError(`the source has tables this build does not know: ${extra.join(', ')}`);
    target = await openStore(options.to);
    const tables = await tablesInDependencyOrder(source);
    await refuseNonEmpty(target, tables);
    say(`migrating the target ${redactUrl(options.to)}`);
    await runMigrationsLocked(target);
    const targetMigrations = await appliedMigrations(target.manager);
    if (JSON.stringify(targetMigrations) !== JSON.stringify(sourceMigrations)) {
      throw new StoreError(`the target is at a different migration (${targetMigrations.at(-1) ?? 'none'}) than the source (${sourceMigrations.at(-1)})`);
    }
    await refuseNonEmpty(target, tables);
    const ordered = await tablesInDependencyOrder(target);
    const counts = await copyTables(source, target, ordered, batch, say);
    say('verifying row counts and checksums');
    const report: CopyReport['tables'] = [];
    for (const metadata of ordered) {
      const from = await summarize(source.manager, metadata, batch);
      const to = await summarize(target.manager, metadata, batch);
      report.push({ ...from, targetRows: to.rows, targetChecksum: to.checksum });
      if (from.rows !== counts.get(metadata.tableName)) {
        throw new StoreError(`${metadata.tableName}: the source changed during the copy (${counts.get(metadata.tableName)} rows copied, ${from.rows} now)`);
      }
      if (to.rows !== from.rows || to.checksum !== from.checksum) {
        throw new StoreError(`${metadata.tableName}: the target does not match the source (${to.rows}/${from.rows} rows, checksum ${to.checksum.slice(0, 12)} vs ${from.checksum.slice(0, 12)})`);
      }
    }
    return { tables: report, rows: report.reduce((n, t) => n + t.rows, 0), ms: Date.now() - started };
  } finally {
    if (target?.isInitialized) await target.destroy();
    if (source.isInitialized) await source.destroy();
  }
}

async function refuseNonEmpty(target: DataSource, tables: EntityMetadata[]): Promise<void> {
  const runner = target.createQueryRunner();
  try {
    for (const metadata of tables) {
      if (!(await runner.hasTable(metadata.tableName))) continue;
      const [row] = (await runner.query(`SELECT COUNT(*) AS n FROM ${target.driver.escape(metadata.tableName)}`)) as { n: number | string }[];
      if (Number(row.n) > 0) throw new StoreError(`the target is not empty (${metadata.tableName} has ${Number(row.n)} rows): copy into a new, empty database`);
    }
  } finally {
    await runner.release();
  }
}

/** One source snapshot, one target transaction; returns the rows copied per table. */
async function copyTables(source: DataSource, target: DataSource, tables: EntityMetadata[], batch: number,
  say: (line: string) => void): Promise<Map<string, number>> {
  const reader = source.createQueryRunner();
  const writer = target.createQueryRunner();
  const counts = new Map<string, number>();
  await reader.connect();
  await writer.connect();
  try {
    await reader.query(isSqlite(source) ? 'BEGIN' : 'START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    await setForeignKeyChecks(target, writer, false);
    await writer.startTransaction();
    try {
      for (const metadata of tables) {
        const [row] = (await reader.query(`SELECT COUNT(*) AS n FROM ${source.driver.escape(metadata.tableName)}`)) as { n: number | string }[];
        const total = Number(row.n);
        let copied = 0;
        for await (const rows of readBatches(reader.manager, metadata, batch)) {
          for (let i = 0; i < rows.length; i += insertChunk(metadata)) {
            await writer.manager.createQueryBuilder().insert().into(metadata.target)
              .values(rows.slice(i, i + insertChunk(metadata))).updateEntity(false).execute();
          }
          copied += rows.length;
          if (total > batch) say(`${metadata.tableName}: ${copied}/${total} rows`);
        }
        counts.set(metadata.tableName, copied);
        say(`${metadata.tableName}: ${copied} rows copied`);
      }
      if (isSqlite(target)) {
        const broken = (await writer.query('PRAGMA foreign_key_check')) as { table: string; parent: string }[];
        if (broken.length) throw new StoreError(`${broken.length} row(s) refer to missing rows (first: ${broken[0].table} → ${broken[0].parent})`);
      }
      await writer.commitTransaction();
    } catch (error) {
      await writer.rollbackTransaction();
      throw error;
    } finally {
      await setForeignKeyChecks(target, writer, true);
      await reader.query(isSqlite(source) ? 'COMMIT' : 'ROLLBACK');
    }
  } finally {
    await writer.release();
    await reader.release();
  }
  return counts;
}

/** Rows per INSERT: SQLite binds at most 32766 parameters per statement, MySQL 65535. */
const insertChunk = (metadata: EntityMetadata): number => Math.max(1, Math.floor(30_000 / Math.max(1, metadata.columns.length)));

/** Session-wide on MySQL/MariaDB; on SQLite only outside a transaction (the writer's runner is the connection). */
async function setForeignKeyChecks(target: DataSource, runner: QueryRunner, on: boolean): Promise<void> {
  await runner.query(isSqlite(target) ? `PRAGMA foreign_keys = ${on ? 'ON' : 'OFF'}` : `SET FOREIGN_KEY_CHECKS = ${on ? 1 : 0}`);
}

export function formatReport(report: CopyReport): string {
  const width = Math.max(...report.tables.map((t) => t.table.length));
  const lines = report.tables.map((t) => `  ${t.table.padEnd(width)}  ${String(t.rows).padStart(8)} rows  ${t.checksum.slice(0, 16)}  ok`);
  return `${lines.join('\n')}\ncopied and verified ${report.rows} rows in ${report.tables.length} tables in ${(report.ms / 1000).toFixed(1)} s\n`;
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command('db:copy')
    .requiredOption('--from <url>', 'the source database (sqlite:PATH, mysql://…, mariadb://…)')
    .requiredOption('--to <url>', 'the target database: new and empty (it is migrated here)')
    .option('--batch <rows>', 'rows read per statement', String(DEFAULT_BATCH));
  const usage = parseArguments(program, argv);
  if (usage !== null) return usage;
  const opts = program.opts<{ from: string; to: string; batch: string }>();
  const batch = Number(opts.batch);
  if (!Number.isInteger(batch) || batch < 1) {
    process.stderr.write('db:copy: --batch must be a positive integer\n');
    return 2;
  }
  return runTool('db:copy', async () => {
    const report = await copyStore({ from: opts.from, to: opts.to, batch, progress: (line) => process.stderr.write(`db:copy: ${line}\n`) });
    process.stdout.write(formatReport(report));
  });
}

if (require.main === module) runAsScript('db:copy', main);
