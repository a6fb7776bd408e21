import { createDataSource, detectFlavor, parseDatabaseUrl } from '../../src/db/data-source';
import { createTestDatabase, testEngine, type TestDatabase } from '../support/database';
import { withAdmin } from '../support/template';

type Row = Record<string, unknown>;

interface Picture {
  /** The database's default character set and collation (the first migration sets them). */
  defaults: Row[];
  /** Every object in the schema other than a table (views, triggers, routines, events). */
  others: Row[];
  tables: Record<string, { ddl: string; rows: Row[] }>;
}

/** Every table's CREATE TABLE statement and rows, and the database's defaults: what a test file can tell. */
async function picture(database: TestDatabase): Promise<Picture> {
  const name = new URL(database.url).pathname.slice(1);
  return withAdmin(new URL(database.url), async (admin) => {
    const [defaults] = (await admin.query(
      'SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [name])) as unknown as [Row[]];
    const [others] = (await admin.query(
      `SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE <> 'BASE TABLE'
       UNION ALL SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?
       UNION ALL SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?`, [name, name, name])) as unknown as [Row[]];
    const [list] = (await admin.query(
      "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME", [name])) as unknown as [Row[]];
    const tables: Picture['tables'] = {};
    for (const { t } of list) {
      const [[show]] = (await admin.query(`SHOW CREATE TABLE \`${name}\`.\`${String(t)}\``)) as unknown as [Row[]];
      const [rows] = (await admin.query(`SELECT * FROM \`${name}\`.\`${String(t)}\``)) as unknown as [Row[]];
      tables[String(t)] = { ddl: String(show['Create Table']), rows };
    }
    return { defaults, others, tables };
  });
}

describe('the migrated template test files start from', () => {
  if (testEngine() === 'sqlite') {
    it('SQLite has none: every in-memory database is migrated from scratch when its app starts', async () => {
      const database = await createTestDatabase({ fromTemplate: true });
      expect(database.url).toBe('sqlite::memory:');
      expect(database.template).toBeUndefined();
    });
    return;
  }

  let scratch: TestDatabase;
  let copy: TestDatabase;
  beforeAll(async () => {
    scratch = await createTestDatabase();
    const dataSource = createDataSource(await detectFlavor(parseDatabaseUrl(scratch.url)), []);
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    await dataSource.destroy();
    copy = await createTestDatabase({ fromTemplate: true });
  });
  afterAll(async () => {
    await scratch?.drop();
    await copy?.drop();
  });

  it('a copy of this run’s template has the same defaults, tables, columns, keys, checks and rows as a database migrated from scratch', async () => {
    expect(copy.template).toMatch(/^mg_tpl_[a-z0-9]+$/);
    const [fromScratch, copied] = [await picture(scratch), await picture(copy)];
    expect(Object.keys(fromScratch.tables).length).toBeGreaterThan(20);
    expect(fromScratch.tables.migrations.rows.length).toBeGreaterThan(0);
    expect(copied).toEqual(fromScratch);
  });

  it('a database without the template option starts empty', async () => {
    const empty = await createTestDatabase();
    try {
      expect((await picture(empty)).tables).toEqual({});
    } finally {
      await empty.drop();
    }
  });
});
