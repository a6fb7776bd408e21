/**
 * What the store tools (db-copy.ts, db-backup.ts) share: their command-line frame (usage exit 2, refusals and
 * failures exit 1), opening a registry database outside the server, its tables in dependency order, and a
 * per-table checksum that is the same on every engine.
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { CommanderError, type Command } from 'commander';
import type { DataSource, EntityManager, EntityMetadata, ObjectLiteral } from 'typeorm';
import { createDataSource, detectFlavor, parseDatabaseUrl } from '../src/db/data-source';
import { MIGRATIONS } from '../src/db/migrations';
import { ENTITIES } from '../src/modules';

export class StoreError extends Error {}

/** Parses a tool's arguments: null to go on, else the exit status (0 after --help, 2 for bad usage). */
export function parseArguments(program: Command, argv: string[]): number | null {
  program.exitOverride().configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    program.parse(argv, { from: 'user' });
    return null;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
}

/** Runs a tool's work: 0 when done, 1 with one line on stderr when refused (StoreError) or failed. */
export async function runTool(name: string, work: () => Promise<void>): Promise<number> {
  try {
    await work();
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${name}: ${error instanceof StoreError ? message : `failed: ${message}`}\n`);
    return 1;
  }
}

/** A tool's entry point when run as a script: its status becomes the exit code; a crash prints its stack. */
export function runAsScript(name: string, main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, (error: unknown) => {
    process.stderr.write(`${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}

/** Rows read and written per statement. */
export const DEFAULT_BATCH = 500;

/** Opens a registry database (without migrating it). A SQLite source must exist: opening would create it. */
export async function openStore(url: string, options: { mustExist?: boolean } = {}): Promise<DataSource> {
  const target = await detectFlavor(parseDatabaseUrl(url));
  if (options.mustExist && target.engine === 'sqlite' && (target.path === ':memory:' || !existsSync(target.path))) {
    throw new StoreError(`${url}: no such SQLite file`);
  }
  const dataSource = createDataSource(target, ENTITIES);
  await dataSource.initialize();
  return dataSource;
}

/** The names of the migrations a database has run, in order ([] when it has no migrations table). */
export async function appliedMigrations(em: EntityManager): Promise<string[]> {
  const runner = em.queryRunner ?? em.connection.createQueryRunner();
  try {
    if (!(await runner.hasTable('migrations'))) return [];
  } finally {
    if (!em.queryRunner) await runner.release();
  }
  const rows = (await em.query('SELECT name FROM migrations ORDER BY id')) as { name: string }[];
  return rows.map((r) => r.name);
}

/** Every migration this build knows, in order. */
export const KNOWN_MIGRATIONS = MIGRATIONS.map((m) => m.name);

/**
 * The entity tables, parents before children (by the foreign keys the database itself declares), ties by
 * name. A cycle (none today) keeps its remaining tables in name order; the copy runs with foreign key checks
 * off, so the order is a courtesy to readers of the progress, not a requirement.
 */
export async function tablesInDependencyOrder(dataSource: DataSource): Promise<EntityMetadata[]> {
  const byTable = new Map(dataSource.entityMetadatas.map((m) => [m.tableName, m]));
  const runner = dataSource.createQueryRunner();
  try {
    const tables = await runner.getTables([...byTable.keys()]);
    const parents = new Map(tables.map((t) => [t.name.split('.').pop()!, new Set(t.foreignKeys
      .map((fk) => fk.referencedTableName.split('.').pop()!).filter((p) => p !== t.name.split('.').pop()))]));
    const ordered: EntityMetadata[] = [];
    const remaining = new Set([...byTable.keys()].sort());
    while (remaining.size) {
      const ready = [...remaining].filter((name) => [...(parents.get(name) ?? [])].every((p) => !remaining.has(p)));
      for (const name of ready.length ? ready : [...remaining]) {
        remaining.delete(name);
        ordered.push(byTable.get(name)!);
      }
    }
    return ordered;
  } finally {
    await runner.release();
  }
}

/** Tables of the database that no entity maps (besides TypeORM's own): a copy would lose them. */
export async function unmappedTables(dataSource: DataSource): Promise<string[]> {
  const mapped = new Set(dataSource.entityMetadatas.map((m) => m.tableName));
  const sql = dataSource.options.type === 'better-sqlite3'
    ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    : 'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()';
  const rows = (await dataSource.query(sql)) as { name: string }[];
  return rows.map((r) => r.name).filter((n) => n !== 'migrations' && n !== 'typeorm_metadata' && !mapped.has(n)).sort();
}

/**
 * One value as the same text on every engine: dates as ISO-8601 UTC with milliseconds (what the registry
 * writes), JSON as canonical JSON (keys sorted: MySQL's JSON type reorders them), booleans as booleans
 * (SQLite and MySQL store 0/1), numbers as numbers.
 */
export function normalized(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return { hex: value.toString('hex') };
  if (Array.isArray(value)) return value.map(normalized);
  if (typeof value === 'object') {
    const source = value as Record<string, unknown>;
    return Object.fromEntries(Object.keys(source).sort().map((k) => [k, normalized(source[k])]));
  }
  return value;
}

/** sha256 of one row: its columns by database name, each value normalized. */
function rowHash(metadata: EntityMetadata, row: ObjectLiteral): string {
  const columns = metadata.columns.filter((c) => !c.isVirtual).sort((a, b) => a.databaseName.localeCompare(b.databaseName));
  const record = Object.fromEntries(columns.map((c) => [c.databaseName, normalized(c.getEntityValue(row))]));
  return createHash('sha256').update(JSON.stringify(record)).digest('hex');
}

export interface TableSummary {
  table: string;
  rows: number;
  /** sha256 over the sorted row hashes: independent of the order rows come back in. */
  checksum: string;
}

/** Reads a table in primary-key order, `batch` rows at a time. */
export async function* readBatches(em: EntityManager, metadata: EntityMetadata, batch: number): AsyncGenerator<ObjectLiteral[]> {
  const order = Object.fromEntries(metadata.primaryColumns.map((c) => [c.propertyPath, 'ASC' as const]));
  for (let skip = 0; ; skip += batch) {
    const rows = await em.find(metadata.target, { order, skip, take: batch, loadEagerRelations: false });
    if (rows.length) yield rows;
    if (rows.length < batch) return;
  }
}

export async function summarize(em: EntityManager, metadata: EntityMetadata, batch = DEFAULT_BATCH): Promise<TableSummary> {
  const hashes: string[] = [];
  for await (const rows of readBatches(em, metadata, batch)) for (const row of rows) hashes.push(rowHash(metadata, row));
  hashes.sort();
  const checksum = createHash('sha256');
  for (const h of hashes) checksum.update(h);
  return { table: metadata.tableName, rows: hashes.length, checksum: checksum.digest('hex') };
}

/** Counts and checksums of every entity table, in dependency order. */
export async function summarizeStore(dataSource: DataSource, em: EntityManager = dataSource.manager): Promise<TableSummary[]> {
  const out: TableSummary[] = [];
  for (const metadata of await tablesInDependencyOrder(dataSource)) out.push(await summarize(em, metadata));
  return out;
}

/** Where a URL's password would be shown, `***` (for progress lines and errors). */
export const redactUrl = (url: string): string => url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
