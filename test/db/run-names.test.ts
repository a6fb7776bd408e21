import { MIGRATIONS } from '../../src/db/migrations';
import { RunNames1764500000000 } from '../../src/db/migrations/1764500000000-run-names';
import { defaultRunName } from '../../src/run/run-names';
import { TestApp } from '../support/app';
import { seed } from '../support/seed';

describe('run names: every run has one', () => {
  let t: TestApp;
  let experimentId: string;
  beforeAll(async () => {
    t = await TestApp.start();
    experimentId = (await seed(t).experiment('names-exp')).id;
  });
  afterAll(() => t.stop());

  it('a run started without a name gets adjective-noun-xxxx, derived from its id; a given name is kept', async () => {
    const unnamed = await t.ok('mutation($e: ID!) { startRun(input: { experimentId: $e }) { id name } }', { e: experimentId });
    expect(unnamed.startRun.name).toMatch(/^[a-z]+-[a-z]+-[0-9a-z]{4}$/);
    expect(unnamed.startRun.name).toBe(defaultRunName(unnamed.startRun.id));
    expect(unnamed.startRun.name.endsWith(unnamed.startRun.id.slice(-4))).toBe(true);
    const named = await t.ok('mutation($e: ID!) { startRun(input: { experimentId: $e, name: "xgb-1", }) { name } }', { e: experimentId });
    expect(named.startRun.name).toBe('xgb-1');
    const nulled = await t.ok('mutation($e: ID!) { startRun(input: { experimentId: $e, name: null }) { id name } }', { e: experimentId });
    expect(nulled.startRun.name).toBe(defaultRunName(nulled.startRun.id));
  });

  it('the default is deterministic and varies between runs', () => {
    expect(defaultRunName('run_01jabcdefghjkmnpqrstvwxyz0')).toBe(defaultRunName('run_01jabcdefghjkmnpqrstvwxyz0'));
    const names = new Set(Array.from({ length: 50 }, (_, i) => defaultRunName(`run_01jabcdefghjkmnpqrstvw${String(i).padStart(4, '0')}`).replace(/-[^-]+$/, '')));
    expect(names.size).toBeGreaterThan(20);
  });

  it('Run.name and Experiment.name are both String!, so one selection may ask both', async () => {
    const run = await seed(t).run(experimentId, { name: 'both' });
    const d = await t.ok(`query($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on Run { name } ... on Experiment { name } } }`,
      { ids: [run.id, experimentId] });
    expect(d.nodes).toEqual([{ __typename: 'Run', name: 'both' }, { __typename: 'Experiment', name: 'names-exp' }]);
  });

  it('the migration names runs stored without a name (and reverts to a nullable column)', async () => {
    const ds = t.app.db.dataSource;
    const runs = await Promise.all([0, 1, 2].map(() => seed(t).run(experimentId, { name: 'temporary' })));
    // Undo back to before the run-names migration (later ones first).
    const later = MIGRATIONS.length - MIGRATIONS.indexOf(RunNames1764500000000);
    for (let i = 0; i < later; i++) await ds.undoLastMigration();
    await ds.query(`UPDATE run SET name = NULL WHERE id IN (?, ?, ?)`, runs.map((r) => r.id));
    const [{ n }] = await ds.query('SELECT COUNT(*) AS n FROM run WHERE name IS NULL');
    expect(Number(n)).toBe(3);
    await ds.runMigrations();
    const rows: { id: string; name: string }[] = await ds.query(`SELECT id, name FROM run WHERE id IN (?, ?, ?) ORDER BY id`, runs.map((r) => r.id));
    expect(rows).toEqual(runs.map((r) => ({ id: r.id, name: defaultRunName(r.id) })));
    const sql = await ds.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
    await expect(ds.query('UPDATE run SET name = NULL WHERE id = ?', [runs[0].id])).rejects.toThrow();
  });
});
