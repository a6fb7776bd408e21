import { createDataSource, detectFlavor, parseDatabaseUrl } from '../../src/db/data-source';
import { createTestDatabase, testEngine, type TestDatabase } from '../support/database';
import { withAdmin } from '../support/template';

type Row = Record<string, unknown>;

/** Every table's CREATE TABLE statement and rows: what a test file can tell about the database it starts on. */
async function picture(database: TestDatabase): Promise<Record<string, { ddl: string; rows: Row[] }>> {
  const name = new URL(database.url).pathname.slice(1);
  return withAdmin(new URL(database.url), async (admin) => {
    const [tables] = (await admin.query(
      "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME", [name])) as unknown as [Row[]];
    const out: Record<string, { ddl: string; rows: Row[] }> = {};
    for (const { t } of tables) {
      const [[show]] = (await admin.query(`SHOW CREATE TABLE \`${name}\`.\`${String(t)}\``)) as unknown as [Row[]];
      const [rows] = (await admin.query(`SELECT * FROM \`${name}\`.\`${String(t)}\``)) as unknown as [Row[]];
      out[String(t)] = { ddl: String(show['Create Table']), rows };
    }
    return out;
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

  it('a copy of this run’s template has the same tables, columns, keys, checks and rows as a database migrated from scratch', async () => {
    expect(copy.template).toMatch(/^mg_tpl_[a-z0-9]+$/);
    const [fromScratch, copied] = [await picture(scratch), await picture(copy)];
    expect(Object.keys(fromScratch).length).toBeGreaterThan(20);
    expect(fromScratch.migrations.rows.length).toBeGreaterThan(0);
    expect(copied).toEqual(fromScratch);
  });

  it('a database without the template option starts empty', async () => {
    const empty = await createTestDatabase();
    try {
      expect(await picture(empty)).toEqual({});
    } finally {
      await empty.drop();
    }
  });
});
