import { TestApp } from '../support/app';
import { seed, unique } from '../support/seed';

const LOG = `mutation($v: ID!, $d: ID!, $m: [MetricInput!]!, $s: Int) {
  logEvaluation(versionId: $v, datasetVersionId: $d, metrics: $m, step: $s) {
    id step createdBy version { id } datasetVersion { id } metrics { key value step }
  }
}`;

const EVALS = `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  node(id: $id) { ... on ModelVersion {
    metrics { key value }
    evaluations(first: $first, after: $after, last: $last, before: $before) {
      totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      nodes { datasetVersion { id } metrics { key value step } step }
    }
  } }
}`;

const HISTORY = `query($m: ID!, $k: String!, $d: ID, $first: Int, $after: String, $last: Int, $before: String) {
  metricHistory(modelId: $m, key: $k, datasetVersionId: $d, first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { value step version { sequence } datasetVersion { id } }
  }
}`;

interface Point { value: number; step: number | null; version: { sequence: number }; datasetVersion: { id: string } | null }

describe('evaluations after registration and metric history', () => {
  let t: TestApp;
  let modelId: string;
  let versions: { id: string }[];
  let dsvA: string;
  let dsvB: string;

  beforeAll(async () => {
    t = await TestApp.start();
    const s = seed(t);
    const ds = await s.dataset(unique('eval'));
    dsvA = (await s.datasetVersion(ds.id)).id;
    dsvB = (await s.datasetVersion(ds.id)).id;
    modelId = (await s.model(unique('eval'))).id;
    versions = [];
    for (const auc of [0.7, 0.8, 0.75]) {
      versions.push(await s.version(modelId, { metrics: [{ key: 'auc', value: auc }, { key: 'loss', value: 1 - auc }] }));
    }
  });
  afterAll(() => t.stop());

  it('logs evaluations on two dataset versions without changing the registered metrics', async () => {
    const [v1] = versions;
    const first = (await t.ok(LOG, { v: v1.id, d: dsvA, m: [{ key: 'auc', value: 0.61 }, { key: 'f1', value: 0.5, step: 3 }], s: 2 })).logEvaluation;
    expect(first).toMatchObject({ step: 2, version: { id: v1.id }, datasetVersion: { id: dsvA } });
    expect(first.id).toMatch(/^ev_/);
    expect(first.metrics).toEqual([{ key: 'auc', value: 0.61, step: 2 }, { key: 'f1', value: 0.5, step: 3 }]);
    await t.ok(LOG, { v: v1.id, d: dsvB, m: [{ key: 'auc', value: 0.66 }] });

    const page1 = (await t.ok(EVALS, { id: v1.id, first: 1 })).node;
    expect(page1.metrics).toEqual([{ key: 'auc', value: 0.7 }, { key: 'loss', value: 1 - 0.7 }]);
    expect(page1.evaluations.totalCount).toBe(2);
    expect(page1.evaluations.nodes).toEqual([{ datasetVersion: { id: dsvA }, step: 2, metrics: [{ key: 'auc', value: 0.61, step: 2 }, { key: 'f1', value: 0.5, step: 3 }] }]);
    expect(page1.evaluations.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const page2 = (await t.ok(EVALS, { id: v1.id, first: 1, after: page1.evaluations.pageInfo.endCursor })).node.evaluations;
    expect(page2.nodes).toEqual([{ datasetVersion: { id: dsvB }, step: null, metrics: [{ key: 'auc', value: 0.66, step: null }] }]);
    expect(page2.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const back = (await t.ok(EVALS, { id: v1.id, last: 1, before: page2.pageInfo.startCursor })).node.evaluations;
    expect(back.nodes.map((n: { datasetVersion: { id: string } }) => n.datasetVersion.id)).toEqual([dsvA]);
    const lastOne = (await t.ok(EVALS, { id: v1.id, last: 1 })).node.evaluations;
    expect(lastOne.nodes.map((n: { datasetVersion: { id: string } }) => n.datasetVersion.id)).toEqual([dsvB]);
    expect(lastOne.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('metricHistory follows registration metrics across versions in sequence order', async () => {
    const all = (await t.ok(HISTORY, { m: modelId, k: 'auc' })).metricHistory;
    expect(all.totalCount).toBe(3);
    expect(all.nodes).toEqual([0.7, 0.8, 0.75].map((value, i) => ({ value, step: null, version: { sequence: i + 1 }, datasetVersion: null })));
    const p1 = (await t.ok(HISTORY, { m: modelId, k: 'auc', first: 2 })).metricHistory;
    expect(p1.nodes.map((n: Point) => n.value)).toEqual([0.7, 0.8]);
    expect(p1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const p2 = (await t.ok(HISTORY, { m: modelId, k: 'auc', first: 2, after: p1.pageInfo.endCursor })).metricHistory;
    expect(p2.nodes.map((n: Point) => n.value)).toEqual([0.75]);
    expect(p2.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const back = (await t.ok(HISTORY, { m: modelId, k: 'auc', last: 2, before: p2.pageInfo.startCursor })).metricHistory;
    expect(back.nodes.map((n: Point) => n.value)).toEqual([0.7, 0.8]);
    const tail = (await t.ok(HISTORY, { m: modelId, k: 'auc', last: 1 })).metricHistory;
    expect(tail.nodes.map((n: Point) => n.version.sequence)).toEqual([3]);
    expect((await t.ok(HISTORY, { m: modelId, k: 'nope' })).metricHistory).toMatchObject({ totalCount: 0, nodes: [] });
  });

  it('metricHistory with a dataset version follows evaluations on it, by sequence then step', async () => {
    const [, v2, v3] = versions;
    // Logged out of order: the list is ordered by version sequence, then step, then logging order.
    await t.ok(LOG, { v: v3.id, d: dsvA, m: [{ key: 'auc', value: 0.72, step: 5 }, { key: 'auc', value: 0.71, step: 1 }] });
    await t.ok(LOG, { v: v2.id, d: dsvA, m: [{ key: 'auc', value: 0.79 }] });
    await t.ok(LOG, { v: v2.id, d: dsvB, m: [{ key: 'auc', value: 0.9 }] });
    const on = (await t.ok(HISTORY, { m: modelId, k: 'auc', d: dsvA })).metricHistory;
    expect(on.totalCount).toBe(4);
    expect(on.nodes).toEqual([
      { value: 0.61, step: 2, version: { sequence: 1 }, datasetVersion: { id: dsvA } },
      { value: 0.79, step: null, version: { sequence: 2 }, datasetVersion: { id: dsvA } },
      { value: 0.71, step: 1, version: { sequence: 3 }, datasetVersion: { id: dsvA } },
      { value: 0.72, step: 5, version: { sequence: 3 }, datasetVersion: { id: dsvA } },
    ]);
    // Page by one, forward then backward: the same points in the same order.
    const forward: number[] = [];
    let after: string | null = null;
    for (let i = 0; i < 5; i++) {
      const page: { nodes: Point[]; pageInfo: { hasNextPage: boolean; endCursor: string } } =
        (await t.ok(HISTORY, { m: modelId, k: 'auc', d: dsvA, first: 1, after })).metricHistory;
      forward.push(...page.nodes.map((n) => n.value));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(forward).toEqual([0.61, 0.79, 0.71, 0.72]);
    const backward: number[] = [];
    let before: string | null = null;
    for (let i = 0; i < 5; i++) {
      const page: { nodes: Point[]; pageInfo: { hasPreviousPage: boolean; startCursor: string } } =
        (await t.ok(HISTORY, { m: modelId, k: 'auc', d: dsvA, last: 1, before })).metricHistory;
      backward.unshift(...page.nodes.map((n) => n.value));
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor;
    }
    expect(backward).toEqual([0.61, 0.79, 0.71, 0.72]);
    const onB = (await t.ok(HISTORY, { m: modelId, k: 'auc', d: dsvB })).metricHistory;
    expect(onB.nodes.map((n: Point) => [n.version.sequence, n.value])).toEqual([[1, 0.66], [2, 0.9]]);
    // Registration metrics are untouched by all of it.
    const registered = (await t.ok(HISTORY, { m: modelId, k: 'auc' })).metricHistory;
    expect(registered.nodes.map((n: Point) => n.value)).toEqual([0.7, 0.8, 0.75]);
  });

  it('rejects unknown ids and bad metrics with nothing written', async () => {
    const v = versions[0].id;
    const countBefore = (await t.ok(EVALS, { id: v })).node.evaluations.totalCount;
    expect(await t.fails(LOG, { v: 'mv_00000000000000000000000000', d: dsvA, m: [{ key: 'a', value: 1 }] })).toMatchObject({ code: 'NOT_FOUND', field: 'versionId' });
    expect(await t.fails(LOG, { v: dsvA, d: dsvA, m: [{ key: 'a', value: 1 }] })).toMatchObject({ code: 'NOT_FOUND', field: 'versionId' });
    expect(await t.fails(LOG, { v, d: 'dsv_00000000000000000000000000', m: [{ key: 'a', value: 1 }] })).toMatchObject({ code: 'NOT_FOUND', field: 'datasetVersionId' });
    expect(await t.fails(LOG, { v, d: dsvA, m: [] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'metrics' });
    expect(await t.fails(LOG, { v, d: dsvA, m: [{ key: '', value: 1 }] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'metrics.0.key' });
    expect(await t.fails(LOG, { v, d: dsvA, m: [{ key: 'a', value: 1, step: -1 }] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'metrics.0.step' });
    expect(await t.fails(LOG, { v, d: dsvA, m: [{ key: 'a', value: 1 }], s: -2 })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'step' });
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ key: `k${i}`, value: i }));
    expect(await t.fails(LOG, { v, d: dsvA, m: tooMany })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'metrics' });
    expect((await t.ok(EVALS, { id: v })).node.evaluations.totalCount).toBe(countBefore);

    expect(await t.fails(HISTORY, { m: 'mdl_00000000000000000000000000', k: 'auc' })).toMatchObject({ code: 'NOT_FOUND', field: 'modelId' });
    expect(await t.fails(HISTORY, { m: v, k: 'auc' })).toMatchObject({ code: 'NOT_FOUND', field: 'modelId' });
    expect(await t.fails(HISTORY, { m: modelId, k: 'auc', d: 'dsv_00000000000000000000000000' })).toMatchObject({ code: 'NOT_FOUND', field: 'datasetVersionId' });
    expect(await t.fails(HISTORY, { m: modelId, k: 'auc', after: 'garbage' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const foreign = Buffer.from(JSON.stringify([1, 'x'])).toString('base64url');
    expect(await t.fails(HISTORY, { m: modelId, k: 'auc', before: foreign })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'before' });
  });

  it('ModelVersion.evaluations over many versions costs a fixed number of statements', async () => {
    const s = seed(t);
    const ds = await s.dataset(unique('evcount'));
    const dsv = (await s.datasetVersion(ds.id)).id;
    const query = `query($m: ID!) { node(id: $m) { ... on Model { versions(first: 50) { nodes {
      evaluations(first: 2) { totalCount nodes { metrics { key value } datasetVersion { id } version { id } } } } } } } }`;
    const counts: number[] = [];
    for (const n of [2, 12]) {
      const model = (await s.model(unique('evcount'))).id;
      for (let i = 0; i < n; i++) {
        const version = (await s.version(model)).id;
        for (let e = 0; e < 3; e++) await t.ok(LOG, { v: version, d: dsv, m: [{ key: 'auc', value: e }] });
      }
      const { result, statements } = await t.statements(query, { m: model });
      expect(result.errors).toBeUndefined();
      const nodes = (result.data as { node: { versions: { nodes: { evaluations: { totalCount: number; nodes: { metrics: { value: number }[] }[] } }[] } } }).node.versions.nodes;
      expect(nodes).toHaveLength(n);
      expect(nodes.every((v) => v.evaluations.totalCount === 3 && v.evaluations.nodes.map((e) => e.metrics[0].value).join() === '0,1')).toBe(true);
      counts.push(statements.length);
    }
    expect(counts[1]).toBe(counts[0]);
    expect(counts[1]).toBeLessThanOrEqual(8);
    process.stdout.write(`evaluations: ${counts[1]} statements for 12 versions (${t.engine})\n`);
  });
});
