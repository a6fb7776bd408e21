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

  it('are all applied and none is pending', async () => {
    expect(await t.app.db.dataSource.showMigrations()).toBe(false);
  });
});
