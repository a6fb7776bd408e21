/**
 * A consistent online backup of the embedded SQLite store, safe while the registry serves (SQLite's backup
 * API, through better-sqlite3: the copy is one point in time, whatever commits meanwhile):
 *
 *   npm run db:backup -- --to backups/registry-2026-12-01.db [--from sqlite:./data/registry.db]
 *
 * The source defaults to DATABASE_URL (then sqlite:./data/registry.db). An existing file is never
 * overwritten. The backup is then opened, checked (PRAGMA integrity_check) and its row count per table
 * printed. MySQL/MariaDB stores are backed up with their own tools (mariadb-dump --single-transaction, binlogs).
 * Exit 0 written and checked, 1 failed, 2 usage.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Sqlite from 'better-sqlite3';
import { Command } from 'commander';
import { parseDatabaseUrl } from '../src/db/data-source';
import { parseArguments, runAsScript, runTool, StoreError } from './store';

export interface BackupReport {
  file: string;
  bytes: number;
  tables: { table: string; rows: number }[];
}

/** The row count of every table of a SQLite file (TypeORM's and SQLite's own excluded), by name. */
export function sqliteCounts(file: string): { table: string; rows: number }[] {
  const db = new Sqlite(file, { readonly: true, fileMustExist: true });
  try {
    const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[])
      .map((r) => r.name);
    return names.map((table) => ({ table, rows: Number((db.prepare(`SELECT COUNT(*) AS n FROM "${table.replace(/"/g, '""')}"`).get() as { n: number }).n) }));
  } finally {
    db.close();
  }
}

export async function backupSqlite(from: string, to: string): Promise<BackupReport> {
  const target = parseDatabaseUrl(from);
  if (target.engine !== 'sqlite' || target.path === ':memory:') {
    throw new StoreError('db:backup backs up a SQLite file; for MySQL/MariaDB use mariadb-dump --single-transaction (see the README)');
  }
  if (!existsSync(target.path)) throw new StoreError(`${target.path}: no such SQLite file`);
  const file = resolve(to);
  if (existsSync(file)) throw new StoreError(`${file} exists: name a new file`);
  const source = new Sqlite(target.path, { readonly: true, fileMustExist: true });
  let bytes: number;
  try {
    const progress = await source.backup(file);
    bytes = progress.totalPages * (source.pragma('page_size', { simple: true }) as number);
  } finally {
    source.close();
  }
  const check = new Sqlite(file, { readonly: true, fileMustExist: true });
  try {
    const verdict = check.pragma('integrity_check', { simple: true });
    if (verdict !== 'ok') throw new StoreError(`the backup ${file} fails its integrity check: ${String(verdict)}`);
  } finally {
    check.close();
  }
  return { file, bytes, tables: sqliteCounts(file) };
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const program = new Command('db:backup')
    .requiredOption('--to <file>', 'the backup file to write (must not exist)')
    .option('--from <url>', 'the store to back up (default DATABASE_URL, else sqlite:./data/registry.db)');
  const usage = parseArguments(program, argv);
  if (usage !== null) return usage;
  const opts = program.opts<{ to: string; from?: string }>();
  const from = opts.from ?? (env.DATABASE_URL || 'sqlite:./data/registry.db');
  return runTool('db:backup', async () => {
    const report = await backupSqlite(from, opts.to);
    for (const t of report.tables) process.stdout.write(`  ${t.table.padEnd(28)} ${String(t.rows).padStart(8)} rows\n`);
    process.stdout.write(`backed up to ${report.file} (${report.bytes} bytes, integrity ok)\n`);
  });
}

if (require.main === module) runAsScript('db:backup', main);
