import type { Connection } from 'mysql2/promise';
import { createDataSource, detectFlavor, parseDatabaseUrl } from '../../src/db/data-source';
import { MIGRATIONS } from '../../src/db/migrations';

/**
 * MySQL/MariaDB: running the migrations takes seconds per database (every CREATE and ALTER is a DDL round
 * trip, and several migrations rebuild tables), so each `npx jest` run migrates one template database once
 * (the first file that needs it builds it, the others wait on a server lock) and every test file starts from
 * a copy of it: the same database defaults, the same CREATE TABLE statements (SHOW CREATE TABLE: columns,
 * indexes, foreign keys, checks) and the same rows (the migrations table). test/db/template.test.ts checks
 * that a copy equals a database migrated from scratch; test/db/migrations.test.ts still migrates from scratch.
 *
 * The run id comes from test/support/global-setup.js; without one (another jest config) there is no template.
 */
/** Also swept by test/support/global-setup.js, which drops test databases older than a few hours. */
const TEMPLATE_PREFIX = 'mg_tpl_';

type Row = Record<string, unknown>;

/** A short admin connection to the server named by `base` (several statements per query allowed). */
export async function withAdmin<T>(base: URL, work: (admin: Connection) => Promise<T>): Promise<T> {
  const uri = new URL(base.toString());
  uri.protocol = 'mysql:';
  // Loaded here so the SQLite project never pays for the MySQL driver.
  const { createConnection } = await import('mysql2/promise');
  const admin = await createConnection({ uri: uri.toString(), multipleStatements: true });
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** The template of this run, migrated and complete; undefined when the run has none. */
export async function templateForRun(base: URL): Promise<string | undefined> {
  const run = process.env.MODELGRAPH_TEST_RUN;
  if (!run || !/^[a-z0-9]{6,32}$/.test(run)) return undefined;
  const name = `${TEMPLATE_PREFIX}${run}`;
  await withAdmin(base, async (admin) => {
    const [[lock]] = (await admin.query('SELECT GET_LOCK(?, 600) AS got', [name])) as unknown as [Row[]];
    if (Number(lock.got) !== 1) throw new Error(`could not lock the template database ${name}`);
    try {
      if (!(await isComplete(admin, name))) await build(admin, base, name);
    } finally {
      await admin.query('SELECT RELEASE_LOCK(?)', [name]);
    }
  });
  return name;
}

/** Every migration recorded, in order (a build that failed half-way is rebuilt). */
async function isComplete(admin: Connection, name: string): Promise<boolean> {
  const [tables] = (await admin.query(
    "SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'migrations'", [name])) as unknown as [Row[]];
  if (Number(tables[0].n) === 0) return false;
  const [rows] = (await admin.query(`SELECT name FROM \`${name}\`.migrations ORDER BY id`)) as unknown as [Row[]];
  return JSON.stringify(rows.map((r) => r.name)) === JSON.stringify(MIGRATIONS.map((m) => m.name));
}

/** An empty database brought up to date by the real migrations, as RegistryApp does at start. */
async function build(admin: Connection, base: URL, name: string): Promise<void> {
  await admin.query(`DROP DATABASE IF EXISTS \`${name}\`; CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  const dataSource = createDataSource(await detectFlavor(parseDatabaseUrl(url.toString())), []);
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

/** Fails on anything SHOW CREATE TABLE would not carry over, so a migration that adds one is noticed here. */
async function checkCopyable(admin: Connection, template: string): Promise<void> {
  const [others] = (await admin.query(
    `SELECT CONCAT(TABLE_TYPE, ' ', TABLE_NAME) AS what FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE <> 'BASE TABLE'
     UNION ALL SELECT CONCAT('TRIGGER ', TRIGGER_NAME) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?
     UNION ALL SELECT CONCAT(ROUTINE_TYPE, ' ', ROUTINE_NAME) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?
     UNION ALL SELECT CONCAT('EVENT ', EVENT_NAME) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?`,
    [template, template, template, template])) as unknown as [Row[]];
  if (others.length) throw new Error(`the template copy handles tables only; teach test/support/template.ts: ${others.map((o) => o.what).join(', ')}`);
}

/** The database's own defaults (the migrations set its collation), for tables created later, as in migrations. */
async function databaseDefaults(admin: Connection, template: string): Promise<string> {
  const [[schema]] = (await admin.query(
    'SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
    [template])) as unknown as [Row[]];
  return `CHARACTER SET ${String(schema.cs)} COLLATE ${String(schema.co)}`;
}

/** The template's tables, each with its CREATE TABLE statement and row count. */
async function describeTemplate(admin: Connection, template: string): Promise<{ table: string; ddl: string; rows: number }[]> {
  const [list] = (await admin.query(
    "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME", [template])) as unknown as [Row[]];
  const tables = list.map((r) => String(r.t));
  const quoted = (t: string) => `\`${template}\`.\`${t}\``;
  const [shows] = (await admin.query(tables.map((t) => `SHOW CREATE TABLE ${quoted(t)}`).join('; '))) as unknown as [Row[][]];
  const results = tables.length === 1 ? [shows as unknown as Row[]] : shows;
  const [counts] = (await admin.query(tables.map((t, i) => `SELECT ${i} AS i, COUNT(*) AS n FROM ${quoted(t)}`).join(' UNION ALL '))) as unknown as [Row[]];
  const rows = new Map(counts.map((c) => [Number(c.i), Number(c.n)]));
  return tables.map((table, i) => ({ table, ddl: String(results[i][0]['Create Table']), rows: rows.get(i) ?? 0 }));
}

/** Gives the empty database `target` the template's defaults, tables and rows. */
export async function copyTemplate(admin: Connection, template: string, target: string): Promise<void> {
  await checkCopyable(admin, template);
  const tables = await describeTemplate(admin, template);
  const statements = [
    // Tables are created in name order: their foreign keys may point at tables not created yet.
    `ALTER DATABASE \`${target}\` ${await databaseDefaults(admin, template)}`,
    'SET FOREIGN_KEY_CHECKS = 0',
    `USE \`${target}\``,
    ...tables.map((t) => t.ddl),
    ...tables.filter((t) => t.rows > 0).map((t) => `INSERT INTO \`${target}\`.\`${t.table}\` SELECT * FROM \`${template}\`.\`${t.table}\``),
    'SET FOREIGN_KEY_CHECKS = 1',
  ];
  await admin.query(statements.join(';\n'));
}
