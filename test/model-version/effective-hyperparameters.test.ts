import { MetricDirections1765400000000 } from '../../src/db/migrations/1765400000000-metric-directions-effective-hyperparameters';
import { TestApp } from '../support/app';
import { seed } from '../support/seed';

const SEARCH = `query($f: ModelVersionSearch) { modelVersions(filter: $f, first: 100) { nodes { id } } }`;
const COMPARE = `query($ids: [ID!]!) { compareVersions(ids: $ids) { params { key values differs } paramSources } }`;
const REPRODUCIBILITY = `query($id: ID!) { modelVersion(id: $id) { hyperparameters reproducibility { hyperparameters hyperparametersSource missing } } }`;

/**
 * One notion of hyperparameters: a version's own when registered with them, else its run's params. Search,
 * comparison and reproducibility agree on it, and the migration backfills versions registered before it.
 */
describe('effective hyperparameters', () => {
  let t: TestApp;
  const v: Record<string, string> = {};
  beforeAll(async () => {
    t = await TestApp.start();
    const s = seed(t);
    const exp = await s.experiment();
    const model = (await s.model()).id;
    const run6 = (await s.run(exp.id, { params: { max_depth: 6, eta: 0.3 } })).id;
    const run8 = (await s.run(exp.id, { params: { max_depth: 8 } })).id;
    const bare = (await s.run(exp.id)).id;
    v.fromRun = (await s.version(model, { runId: run6 })).id;
    // Its own hyperparameters win whole over its run's (no merge): no eta here.
    v.own = (await s.version(model, { runId: run8, hyperparameters: { max_depth: 6 } })).id;
    v.ownOverRun = (await s.version(model, { runId: run6, hyperparameters: { max_depth: 4 } })).id;
    v.none = (await s.version(model, { runId: bare })).id;
    v.noRun = (await s.version(model)).id;
  });
  afterAll(() => t.stop());

  const found = async (hyperparameters: Record<string, unknown>) =>
    (await t.ok(SEARCH, { f: { hyperparameters } })).modelVersions.nodes.map((n: { id: string }) => Object.keys(v).find((k) => v[k] === n.id));

  it('search matches a run\'s params when the version has none, and only the version\'s own when it has them', async () => {
    expect(await found({ max_depth: 6 })).toEqual(['own', 'fromRun']);
    expect(await found({ max_depth: 6, eta: 0.3 })).toEqual(['fromRun']);
    expect(await found({ max_depth: 4 })).toEqual(['ownOverRun']);
    expect(await found({ max_depth: 8 })).toEqual([]); // the run's value, overridden by the version's own
    expect(await found({ eta: 0.3 })).toEqual(['fromRun']); // not ownOverRun: its own replace its run's whole
  });

  it('compareVersions shows the same values and sources', async () => {
    const c = (await t.ok(COMPARE, { ids: [v.fromRun, v.own, v.ownOverRun, v.none] })).compareVersions;
    expect(c.params).toEqual([
      { key: 'eta', values: [0.3, null, null, null], differs: true },
      { key: 'max_depth', values: [6, 6, 4, null], differs: true },
    ]);
    expect(c.paramSources).toEqual(['RUN', 'VERSION', 'VERSION', null]);
  });

  it('reproducibility reports the same', async () => {
    const r = async (id: string) => (await t.ok(REPRODUCIBILITY, { id })).modelVersion;
    expect(await r(v.fromRun)).toMatchObject({ hyperparameters: null, reproducibility: { hyperparameters: { max_depth: 6, eta: 0.3 }, hyperparametersSource: 'RUN' } });
    expect(await r(v.own)).toMatchObject({ hyperparameters: { max_depth: 6 }, reproducibility: { hyperparameters: { max_depth: 6 }, hyperparametersSource: 'VERSION' } });
    const none = await r(v.none);
    expect(none.reproducibility).toMatchObject({ hyperparameters: null, hyperparametersSource: null });
    expect(none.reproducibility.missing).toContain('hyperparameters');
  });

  it('the migration backfills versions registered before it by the same rule, and reverts', async () => {
    const ds = t.app.db.manager.connection;
    const migration = new MetricDirections1765400000000();
    const qr = ds.createQueryRunner();
    await qr.beforeMigration(); // as the migration runner does (SQLite: foreign keys off while tables are rebuilt)
    try {
      await migration.down(qr);
      const columns = (await qr.getTable('model_version'))!.columns.map((c) => c.name);
      expect(columns).not.toContain('effective_hyperparameters');
      expect(await qr.hasTable('metric_direction')).toBe(false);
      await migration.up(qr);
    } finally {
      await qr.afterMigration();
      await qr.release();
    }
    const rows: { id: string; effective_hyperparameters: unknown }[] = await ds.query('SELECT id, effective_hyperparameters FROM model_version');
    const stored = Object.fromEntries(rows.map((r) => [Object.keys(v).find((k) => v[k] === r.id),
      typeof r.effective_hyperparameters === 'string' ? JSON.parse(r.effective_hyperparameters) : r.effective_hyperparameters]));
    expect(stored).toEqual({ fromRun: { max_depth: 6, eta: 0.3 }, own: { max_depth: 6 }, ownOverRun: { max_depth: 4 }, none: null, noRun: null });
    expect(await found({ max_depth: 6 })).toEqual(['own', 'fromRun']);
  });
});
