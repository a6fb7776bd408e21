import { BENCH_TEST_SET, explainSearch, PLAN_EVALUATION_FILTER, PLAN_EVALUATION_ORDER_FILTER, seedSearchVersions } from '../../bench/search/plan';
import { TestApp } from '../support/app';
import { seed } from '../support/seed';

/**
 * A metric-threshold search ordered by that metric reads the (key, value, entity_id) index as a range in
 * value order: no scan of the metric table, no sort (the bench prints the same plan at 1M versions).
 */
describe('modelVersions search plan', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
    const model = await seed(t).model();
    // Fewer on MariaDB, whose recursive inserts are slower; the plan is the same from a few thousand rows up.
    await seedSearchVersions(t.app.db, model.id, t.engine === 'sqlite' ? 20_000 : 10_000);
    await t.app.db.manager.query(t.engine === 'sqlite' ? 'ANALYZE' : 'ANALYZE TABLE metric, model_version, evaluation');
  }, 60_000);
  afterAll(() => t.stop());

  it('reads the order key as an index range in value order', async () => {
    const plan = await explainSearch(t.app.db);
    const text = plan.join('\n');
    if (process.env.SHOW_PLAN) process.stdout.write(`${text}\n`);
    if (t.engine === 'sqlite') {
      expect(plan[0]).toMatch(/^SEARCH om USING (COVERING )?INDEX IDX_metric_key_value \(key=\? AND value>\?\)$/);
      expect(text).not.toMatch(/SCAN (om|sm|metric)/);
      expect(text).not.toMatch(/TEMP B-TREE/);
    } else {
      expect(plan[0]).toMatch(/table=om type=range key=IDX_metric_key_value/);
      expect(text).not.toMatch(/type=ALL/);
      expect(text).not.toMatch(/filesort/);
    }
  });

  it('answers a filter newest first in primary-key order, probing each threshold per version: no materialized set, no sort', async () => {
    const manager = t.app.db.dataSource.manager;
    const spy = jest.spyOn(t.app.db.dataSource.logger, 'logQuery');
    let logged: [string, unknown[]][];
    try {
      const found = await t.gql<{ modelVersions: { nodes: { id: string }[] } }>(
        `{ modelVersions(filter: { metrics: [{ key: "acc", gte: 0.5 }, { key: "loss", lt: 0.5 }] }, first: 20) { nodes { id } } }`);
      expect(found.data?.modelVersions.nodes).toHaveLength(20);
      logged = spy.mock.calls.map(([q, p]) => [q, (p ?? []) as unknown[]]);
    } finally {
      spy.mockRestore();
    }
    const [sql, params] = logged.find(([q]) => /FROM "?`?model_version`?"? "?`?mv/.test(q))!;
    let text: string;
    if (t.engine === 'sqlite') {
      const rows: { detail: string }[] = await manager.query(`EXPLAIN QUERY PLAN ${sql}`, params);
      text = rows.map((r) => r.detail).join('\n');
      expect(text).not.toMatch(/TEMP B-TREE/);
    } else {
      // As run: MariaDB's statement carries its optimizer setting (`SET STATEMENT … FOR`), which EXPLAIN follows.
      const explained = sql.replace(/^(SET STATEMENT .*? FOR )?/, (prefix) => `${prefix}EXPLAIN `);
      const rows: Record<string, unknown>[] = await manager.query(explained, params);
      text = rows.map((r) => `${String(r.select_type)} table=${String(r.table)} type=${String(r.type)} key=${String(r.key)} ${String(r.Extra ?? '')}`).join('\n');
      expect(text.split('\n')[0]).toMatch(/table=mv type=index key=PRIMARY/);
      expect(text).not.toMatch(/MATERIALIZED.*table=(sm|metric)|<subquery/);
      expect(text).not.toMatch(/filesort/);
    }
    if (process.env.SHOW_PLAN) process.stdout.write(`${text}\n`);
  });

  it('probes evaluations by index: an evaluation threshold is an index lookup per candidate, never a scan', async () => {
    const plan = await explainSearch(t.app.db, PLAN_EVALUATION_FILTER);
    const text = plan.join('\n');
    if (process.env.SHOW_PLAN) process.stdout.write(`${text}\n`);
    if (t.engine === 'sqlite') {
      expect(plan[0]).toMatch(/^SEARCH om USING (COVERING )?INDEX IDX_metric_key_value \(key=\? AND value>\?\)$/);
      expect(text).toMatch(/SEARCH se0 USING (COVERING )?INDEX IDX_evaluation_dataset_version \(dataset_version_id=\? AND version_id=\?\)/);
      expect(text).not.toMatch(/SCAN (om|oe|sm|se|metric|evaluation)/);
      expect(text).not.toMatch(/TEMP B-TREE/);
    } else {
      expect(plan[0]).toMatch(/table=om type=range key=IDX_metric_key_value/);
      // Probed per candidate, or read once as a semi-join from the metric range and evaluation primary key.
      expect(text).toMatch(/table=se0 type=(ref|eq_ref) key=(IDX_evaluation_dataset_version|PRIMARY)/);
      expect(text).not.toMatch(/type=ALL/);
      expect(text).not.toMatch(/filesort/);
    }
  });

  it.each([
    ['with its own threshold as the range', PLAN_EVALUATION_ORDER_FILTER],
    ['without a filter', null],
  ] as const)('orders by an evaluation metric from the (key, value) index in value order, %s: no scan, no sort', async (_name, filter) => {
    const plan = await explainSearch(t.app.db, filter, BENCH_TEST_SET);
    const text = plan.join('\n');
    if (process.env.SHOW_PLAN) process.stdout.write(`${text}\n`);
    if (t.engine === 'sqlite') {
      expect(plan[0]).toMatch(filter ? /^SEARCH om USING INDEX IDX_metric_key_value \(key=\? AND value>\?\)$/ : /^SEARCH om USING INDEX IDX_metric_key_value \(key=\?\)$/);
      expect(text).toMatch(/SEARCH oe USING INDEX sqlite_autoindex_evaluation_1 \(id=\?\)/);
      expect(text).not.toMatch(/SCAN (om|oe|sm|se|metric|evaluation)/);
      expect(text).not.toMatch(/TEMP B-TREE/);
    } else {
      expect(plan[0]).toMatch(/table=om type=(range|ref) key=IDX_metric_key_value/);
      expect(text).not.toMatch(/type=ALL/);
      expect(text).not.toMatch(/filesort/);
    }
  });
});
