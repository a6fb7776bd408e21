import { TestApp } from '../support/app';
import { seed } from '../support/seed';
import { expectError } from '../errors/helpers';

/**
 * The relation lists that grow without bound are connections: Run.metricHistory, Run.producedVersions,
 * ModelVersion.children, DatasetVersion.usedBy (with a role filter), consumedBy and derivatives.
 */
interface Page {
  edges: { cursor: string; node: { id?: string; value?: number } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

const pageOf = (node: string) => `edges { cursor node { ${node} } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount`;
const PAGE = pageOf('__typename');

describe('relation connections', () => {
  let t: TestApp;
  const ids = {
    base: '', other: '', run: '', quiet: '', parent: '',
    derived: [] as string[], consumers: [] as string[], produced: [] as string[], children: [] as string[],
    training: [] as string[], testing: [] as string[],
  };
  const LOSS = Array.from({ length: 23 }, (_, i) => 1 / (i + 1));

  beforeAll(async () => {
    t = await TestApp.start();
    const s = seed(t);
    const ds = await s.dataset();
    ids.base = (await s.datasetVersion(ds.id)).id;
    ids.other = (await s.datasetVersion(ds.id)).id;
    for (let i = 0; i < 7; i++) ids.derived.push((await s.datasetVersion(ds.id, { derivedFromIds: [ids.base] })).id);
    const exp = await s.experiment();
    for (let i = 0; i < 6; i++) ids.consumers.push((await s.run(exp.id, { inputDatasetVersionIds: i % 2 ? [ids.base, ids.other] : [ids.base] })).id);
    ids.run = ids.consumers[0];
    ids.quiet = ids.consumers[1];
    const model = await s.model();
    ids.parent = (await s.version(model.id, { datasets: [{ datasetVersionId: ids.base, role: 'TRAINING' }] })).id;
    ids.training.push(ids.parent);
    for (let i = 0; i < 8; i++) {
      const role = i % 3 === 0 ? 'TEST' : 'TRAINING';
      const v = await s.version(model.id, {
        runId: i < 5 ? ids.run : undefined, parentVersionId: ids.parent,
        datasets: [{ datasetVersionId: ids.base, role }, { datasetVersionId: ids.other, role: 'VALIDATION' }],
      });
      (role === 'TEST' ? ids.testing : ids.training).push(v.id);
      ids.children.push(v.id);
      if (i < 5) ids.produced.push(v.id);
    }
    await t.ok('mutation($r: ID!, $m: [MetricInput!]!) { logRunMetrics(runId: $r, metrics: $m) { id } }',
      { r: ids.run, m: LOSS.map((value, step) => ({ key: 'loss', value, step })) });
  });
  afterAll(() => t.stop());

  /** Each connection: how to ask for it, and every item it holds, in order. */
  const CONNECTIONS = [
    { name: 'Run.metricHistory', root: 'run', field: 'metricHistory(key: "loss", ', parent: () => ids.run, items: () => LOSS.map(String) },
    { name: 'Run.producedVersions', root: 'run', field: 'producedVersions(', parent: () => ids.run, items: () => ids.produced },
    { name: 'ModelVersion.children', root: 'modelVersion', field: 'children(', parent: () => ids.parent, items: () => ids.children },
    { name: 'DatasetVersion.usedBy', root: 'datasetVersion', field: 'usedBy(', parent: () => ids.base, items: () => [...ids.training, ...ids.testing].sort() },
    { name: 'DatasetVersion.usedBy(role: TRAINING)', root: 'datasetVersion', field: 'usedBy(role: TRAINING, ', parent: () => ids.base, items: () => ids.training },
    { name: 'DatasetVersion.consumedBy', root: 'datasetVersion', field: 'consumedBy(', parent: () => ids.base, items: () => ids.consumers },
    { name: 'DatasetVersion.derivatives', root: 'datasetVersion', field: 'derivatives(', parent: () => ids.base, items: () => ids.derived },
  ];
  const query = (root: string, field: string) =>
    `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
      p: ${root}(id: $id) { c: ${field}first: $first, after: $after, last: $last, before: $before) { ${pageOf(field.startsWith('metric') ? 'value' : 'id')} } } }`;
  const itemOf = (e: Page['edges'][number]) => e.node.id ?? String(e.node.value);

  describe.each(CONNECTIONS)('$name', ({ root, field, parent, items }) => {
    const load = async (args: Record<string, unknown>): Promise<Page> => (await t.ok(query(root, field), { id: parent(), ...args })).p.c;

    it('the default page holds up to 20 items, with totalCount, start and end cursors', async () => {
      const page = await load({});
      expect(page.edges.map(itemOf)).toEqual(items().slice(0, 20));
      expect(page.totalCount).toBe(items().length);
      expect(page.pageInfo).toEqual({
        hasNextPage: items().length > 20, hasPreviousPage: false,
        startCursor: page.edges[0].cursor, endCursor: page.edges[page.edges.length - 1].cursor,
      });
    });

    it('walks forward with first/after and backward with last/before, each item once, in the same order', async () => {
      const forward: string[] = [];
      let page = await load({ first: 2 });
      for (;;) {
        forward.push(...page.edges.map(itemOf));
        if (!page.pageInfo.hasNextPage) break;
        page = await load({ first: 2, after: page.pageInfo.endCursor });
        expect(page.pageInfo.hasPreviousPage).toBe(true);
      }
      expect(forward).toEqual(items());

      const backward: string[] = [];
      page = await load({ last: 3 });
      expect(page.pageInfo.hasNextPage).toBe(false);
      for (;;) {
        backward.unshift(...page.edges.map(itemOf));
        expect(page.totalCount).toBe(items().length);
        if (!page.pageInfo.hasPreviousPage) break;
        page = await load({ last: 3, before: page.pageInfo.startCursor });
        expect(page.pageInfo.hasNextPage).toBe(true);
      }
      expect(backward).toEqual(items());
    });

    it('last alone, last: 0, and a window between after and before', async () => {
      const tail = await load({ last: 2 });
      expect(tail.edges.map(itemOf)).toEqual(items().slice(-2));
      expect(tail.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
      expect(await load({ last: 0 })).toMatchObject({ edges: [], pageInfo: { hasPreviousPage: true, startCursor: null, endCursor: null } });
      const all = await load({ first: 100 });
      const [after, before] = [all.edges[0].cursor, all.edges[4].cursor];
      expect((await load({ first: 10, after, before })).edges.map(itemOf)).toEqual(items().slice(1, 4));
      expect((await load({ last: 2, after, before })).edges.map(itemOf)).toEqual(items().slice(2, 4));
    });

    it('bad page arguments → BAD_USER_INPUT naming the argument', async () => {
      const q = query(root, field);
      for (const [args, argument] of [[{ first: 101 }, 'first'], [{ first: -1 }, 'first'], [{ last: 101 }, 'last'], [{ last: -1 }, 'last'],
        [{ after: 'garbage' }, 'after'], [{ last: 2, before: 'garbage' }, 'before'], [{ first: 2, last: 2 }, 'last']] as const) {
        await expectError(t, q, { id: parent(), ...args }, { code: 'BAD_USER_INPUT', field: argument });
      }
    });
  });

  it('usedBy(role:) lists only the versions registered in that role; TEST data is not training data', async () => {
    const d = await t.ok(`query($id: ID!) { datasetVersion(id: $id) {
      training: usedBy(role: TRAINING, first: 100) { totalCount nodes { id } }
      testing: usedBy(role: TEST, first: 100) { totalCount nodes { id } }
      validation: usedBy(role: VALIDATION) { totalCount }
      all: usedBy(first: 100) { totalCount } } }`, { id: ids.base });
    expect(d.datasetVersion.training).toEqual({ totalCount: 6, nodes: ids.training.map((id) => ({ id })) });
    expect(d.datasetVersion.testing).toEqual({ totalCount: 3, nodes: ids.testing.map((id) => ({ id })) });
    expect(d.datasetVersion.validation.totalCount).toBe(0);
    expect(d.datasetVersion.all.totalCount).toBe(9);
    const other = await t.ok('query($id: ID!) { datasetVersion(id: $id) { usedBy(role: VALIDATION) { nodes { id } } } }', { id: ids.other });
    expect(other.datasetVersion.usedBy.nodes.map((n: { id: string }) => n.id)).toEqual(ids.children);
  });

  it('one version used by two dataset versions in one request appears under each', async () => {
    const d = await t.ok(`query($a: ID!, $b: ID!) { a: datasetVersion(id: $a) { usedBy(last: 2) { nodes { id } totalCount } }
      b: datasetVersion(id: $b) { usedBy(last: 2) { nodes { id } totalCount } } }`, { a: ids.base, b: ids.other });
    expect(d.a.usedBy).toEqual({ totalCount: 9, nodes: [...ids.training, ...ids.testing].sort().slice(-2).map((id) => ({ id })) });
    expect(d.b.usedBy).toEqual({ totalCount: 8, nodes: ids.children.slice(-2).map((id) => ({ id })) });
  });

  it('many runs, versions and dataset versions asking every relation connection: the same statements as one of each', async () => {
    const q = `query($ids: [ID!]!) { nodes(ids: $ids) {
      ... on Run { metricHistory(key: "loss", first: 2) { totalCount nodes { value } } producedVersions(last: 2) { totalCount nodes { id } } }
      ... on ModelVersion { children(first: 2) { totalCount nodes { id } } }
      ... on DatasetVersion { usedBy(role: TRAINING, first: 2) { totalCount nodes { id } } consumedBy(last: 2) { totalCount nodes { id } }
        derivatives { totalCount nodes { id } } } } }`;
    const one = await t.statements(q, { ids: [ids.run, ids.parent, ids.base] });
    const many = await t.statements(q, { ids: [...ids.consumers, ids.parent, ...ids.children, ids.base, ids.other, ...ids.derived] });
    expect(many.result.errors).toBeUndefined();
    expect((many.result.data as { nodes: unknown[] }).nodes).toHaveLength(6 + 1 + 8 + 2 + 7);
    // 3 lookups by type, then one page and one count statement per connection field.
    expect(one.statements).toHaveLength(3 + 2 * 6);
    expect(many.statements).toHaveLength(one.statements.length);
  });

  it('an empty relation is an empty connection', async () => {
    const d = await t.ok(`query($r: ID!, $v: ID!, $d: ID!) { run(id: $r) { metricHistory(key: "loss") { ${PAGE} } producedVersions(last: 5) { ${PAGE} } }
      modelVersion(id: $v) { children { ${PAGE} } } datasetVersion(id: $d) { derivatives(last: 1) { ${PAGE} } } }`,
    { r: ids.quiet, v: ids.children[0], d: ids.derived[0] });
    const empty = { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null }, totalCount: 0 };
    expect([d.run.metricHistory, d.run.producedVersions, d.modelVersion.children, d.datasetVersion.derivatives]).toEqual([empty, empty, empty, empty]);
  });
});

describe('Run.metrics: the latest point per key, computed by the database', () => {
  let t: TestApp;
  const runs: string[] = [];
  const METRICS = 'metrics { key value step }';
  beforeAll(async () => {
    t = await TestApp.start();
    const s = seed(t);
    const exp = await s.experiment();
    for (let i = 0; i < 3; i++) runs.push((await s.run(exp.id)).id);
    const log = (r: string, m: unknown[]) => t.ok('mutation($r: ID!, $m: [MetricInput!]!) { logRunMetrics(runId: $r, metrics: $m) { id } }', { r, m });
    await log(runs[0], [
      { key: 'x', value: 1, step: 5 }, { key: 'x', value: 2, step: 3 }, { key: 'x', value: 3 },
      { key: 'y', value: 1, step: 2 }, { key: 'y', value: 2, step: 2 }, { key: 'z', value: 1 }, { key: 'B', value: 7, step: 0 },
    ]);
    await log(runs[0], [{ key: 'z', value: 2 }, { key: 'y', value: 0.5, step: 1 }]);
    await log(runs[1], [{ key: 'w', value: 9, step: 0 }]);
  });
  afterAll(() => t.stop());

  it('highest step wins (a point without step is below every step); equal steps: the last logged; keys in code-point order', async () => {
    const d = await t.ok(`query($a: ID!, $b: ID!, $c: ID!) { a: run(id: $a) { ${METRICS} } b: run(id: $b) { ${METRICS} } c: run(id: $c) { ${METRICS} } }`,
      { a: runs[0], b: runs[1], c: runs[2] });
    expect(d.a.metrics).toEqual([
      { key: 'B', value: 7, step: 0 }, { key: 'x', value: 1, step: 5 }, { key: 'y', value: 2, step: 2 }, { key: 'z', value: 2, step: null },
    ]);
    expect(d.b.metrics).toEqual([{ key: 'w', value: 9, step: 0 }]);
    expect(d.c.metrics).toEqual([]);
  });

  it('one statement for the metrics of many runs', async () => {
    const one = await t.statements(`query($a: ID!) { a: run(id: $a) { ${METRICS} } }`, { a: runs[0] });
    const three = await t.statements(`query($a: ID!, $b: ID!, $c: ID!) { a: run(id: $a) { ${METRICS} } b: run(id: $b) { ${METRICS} } c: run(id: $c) { ${METRICS} } }`,
      { a: runs[0], b: runs[1], c: runs[2] });
    expect(three.result.errors).toBeUndefined();
    expect(one.statements).toHaveLength(2);
    expect(three.statements).toHaveLength(2);
    expect(three.statements.filter((sql) => /\bmetric\b/i.test(sql))).toHaveLength(1);
  });
});
