import { TestApp } from '../support/app';

describe('migrations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  it('leave no difference between the entities and the database schema', async () => {
    const sql = await t.app.db.dataSource.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('all revert, newest first, to an empty database, and apply again with no difference', async () => {
    const ds = t.app.db.dataSource;
    const count = ds.migrations.length;
    for (let i = 0; i < count; i++) await ds.undoLastMigration({ transaction: 'each' });
    const tables = t.engine === 'sqlite'
      ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('migrations', 'sqlite_sequence')"
      : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name <> 'migrations'";
    const left = ((await ds.query(tables)) as { name: string }[]).map((row) => row.name);
    expect(left).toEqual([]);
    await ds.runMigrations({ transaction: 'each' });
    const sql = await ds.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('are all applied and none is pending', async () => {
    expect(await t.app.db.dataSource.showMigrations()).toBe(false);
  });
});
