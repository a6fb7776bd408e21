import type { DataSource } from 'typeorm';
import { createDataSource, detectFlavor, parseDatabaseUrl } from '../../src/db/data-source';
import { MIGRATIONS } from '../../src/db/migrations';
import { ENTITIES } from '../../src/modules';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * From scratch on both engines, as the app runs them at start (other test files start from a copy of a
 * migrated template on MySQL/MariaDB: test/db/template.test.ts checks that the copy is the same).
 */
describe('migrations', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let executed: string[];
  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource(await detectFlavor(parseDatabaseUrl(database.url)), ENTITIES);
    await dataSource.initialize();
    executed = (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  });
  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await database?.drop();
  });

  it('run all, in order, on an empty database', () => {
    expect(database.template).toBeUndefined();
    expect(executed).toEqual(MIGRATIONS.map((m) => m.name));
  });

  it('leave no difference between the entities and the database schema', async () => {
    const sql = await dataSource.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('all revert, newest first, to an empty database, and apply again with no difference', async () => {
    const ds = dataSource;
    const count = ds.migrations.length;
    for (let i = 0; i < count; i++) await ds.undoLastMigration({ transaction: 'each' });
    const tables = database.engine === 'sqlite'
      ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('migrations', 'sqlite_sequence')"
      : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name <> 'migrations'";
    const left = ((await ds.query(tables)) as { name: string }[]).map((row) => row.name);
    expect(left).toEqual([]);
    await ds.runMigrations({ transaction: 'each' });
    const sql = await ds.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('are all applied and none is pending', async () => {
    expect(await dataSource.showMigrations()).toBe(false);
  });
});
