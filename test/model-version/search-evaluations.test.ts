import { TestApp } from '../support/app';
import { digestOf, seed } from '../support/seed';

/**
 * modelVersions search on evaluations (thresholds and order on a dataset version's evaluation metrics) and
 * the dataset filter narrowed to a role, with known answers on a small fixed data set.
 */

const SEARCH = `query($f: ModelVersionSearch, $o: ModelVersionSearchOrder, $first: Int, $after: String, $last: Int, $before: String) {
  modelVersions(filter: $f, orderBy: $o, first: $first, after: $after, last: $last, before: $before) {
    nodes { id } totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
const LOG = `mutation($v: ID!, $d: ID!, $m: [MetricInput!]!, $s: Int) { logEvaluation(versionId: $v, datasetVersionId: $d, metrics: $m, step: $s) { id } }`;

type Page = { nodes: { id: string }[]; totalCount: number; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string; endCursor: string } };

describe('modelVersions search on evaluations and dataset roles', () => {
  let t: TestApp;
  const v: string[] = [];
  let dT = '';
  let dO = '';

  beforeAll(async () => {
    t = await TestApp.start();
    const s = seed(t);
    const m0 = (await s.model()).id;
    const m1 = (await s.model()).id;
    const ds = await s.dataset();
    dT = (await s.datasetVersion(ds.id, { digest: digestOf(1) })).id;
    dO = (await s.datasetVersion(ds.id, { digest: digestOf(2) })).id;
    const acc = (value: number) => [{ key: 'acc', value }];
    v.push((await s.version(m0, { metrics: acc(0.9), datasets: [{ datasetVersionId: dT, role: 'TEST' }] })).id);
    v.push((await s.version(m0, { metrics: acc(0.6), datasets: [{ datasetVersionId: dT, role: 'TRAINING' }] })).id);
    v.push((await s.version(m1, { metrics: acc(0.7), datasets: [{ datasetVersionId: dO, role: 'TEST' }] })).id);
    v.push((await s.version(m1, { metrics: acc(0.95) })).id);
    v.push((await s.version(m1)).id);
    const log = (version: number, d: string, metrics: { key: string; value: number; step?: number }[], step?: number) =>
      t.ok(LOG, { v: v[version], d, m: metrics, s: step ?? null });
    // v0 on dT: 0.70 at step 1, then 0.80 at step 2 → 0.80. On dO: 0.99.
    await log(0, dT, acc(0.7), 1);
    await log(0, dT, acc(0.8), 2);
    await log(0, dO, acc(0.99));
    // v1 on dT: 0.95 at step 5, then 0.50 logged later at step 3 → 0.95 (the highest step wins, not the last logged).
    await log(1, dT, [{ key: 'acc', value: 0.95, step: 5 }]);
    await log(1, dT, [{ key: 'acc', value: 0.5, step: 3 }]);
    // v2 on dT: 0.80 (no step), a tie with v0, logged after v0's. v3: only on dO. v4: on dT, another key only.
    await log(2, dT, acc(0.8));
    await log(3, dO, acc(0.1));
    await log(4, dT, [{ key: 'loss', value: 0.3 }]);
  });
  afterAll(() => t.stop());

  const search = async (vars: Record<string, unknown>): Promise<Page> => (await t.ok<{ modelVersions: Page }>(SEARCH, vars)).modelVersions;
  const ids = async (f: Record<string, unknown> | null, o: Record<string, unknown> | null = null) =>
    (await search({ f, o, first: 100 })).nodes.map((n) => v.indexOf(n.id));

  const cases: [string, () => Record<string, unknown>, number[]][] = [
    ['an evaluation threshold (latest point per key on that dataset version)', () => ({ metrics: [{ key: 'acc', gte: 0.8, datasetVersionId: dT }] }), [2, 1, 0]],
    ['the highest step counts, not the last logged', () => ({ metrics: [{ key: 'acc', lt: 0.9, datasetVersionId: dT }] }), [2, 0]],
    ['above 0.9 on the test set', () => ({ metrics: [{ key: 'acc', gt: 0.9, datasetVersionId: dT }] }), [1]],
    ['another dataset version', () => ({ metrics: [{ key: 'acc', lt: 0.5, datasetVersionId: dO }] }), [3]],
    ['the registration metric of the same key is another condition', () => ({ metrics: [{ key: 'acc', gt: 0.9 }] }), [3]],
    ['registration and evaluation thresholds of one key together', () => ({
      metrics: [{ key: 'acc', gte: 0.9 }, { key: 'acc', gte: 0.8, datasetVersionId: dT }],
    }), [0]],
    ['an evaluation threshold on an unknown dataset version matches nothing', () => ({ metrics: [{ key: 'acc', gte: 0, datasetVersionId: 'dsv_unknown' }] }), []],
    ['a dataset version in any role', () => ({ datasetVersionId: dT }), [1, 0]],
    ['a dataset version as TEST', () => ({ datasetVersionId: dT, datasetRole: 'TEST' }), [0]],
    ['a dataset version as TRAINING', () => ({ datasetVersionId: dT, datasetRole: 'TRAINING' }), [1]],
    ['a dataset version in a role it was not used in', () => ({ datasetVersionId: dT, datasetRole: 'VALIDATION' }), []],
    ['the other dataset version as TEST', () => ({ datasetVersionId: dO, datasetRole: 'TEST' }), [2]],
  ];

  it.each(cases)('%s', async (_name, filter, expected) => {
    expect(await ids(filter())).toEqual(expected);
  });

  it('orders by an evaluation metric both ways (ties by evaluation, versions without it left out)', async () => {
    const on = { field: 'METRIC', metricKey: 'acc', datasetVersionId: dT };
    expect(await ids(null, { ...on, direction: 'ASC' })).toEqual([0, 2, 1]);
    expect(await ids(null, { ...on, direction: 'DESC' })).toEqual([1, 2, 0]);
    expect(await ids(null, { field: 'METRIC', metricKey: 'acc', datasetVersionId: dO, direction: 'ASC' })).toEqual([3, 0]);
    expect(await ids(null, { field: 'METRIC', metricKey: 'loss', datasetVersionId: dT })).toEqual([4]);
    // Its own threshold becomes the range; the registration threshold of the same key stays a filter.
    expect(await ids({ metrics: [{ key: 'acc', lt: 0.9, datasetVersionId: dT }] }, { ...on, direction: 'DESC' })).toEqual([2, 0]);
    expect(await ids({ metrics: [{ key: 'acc', gte: 0.7 }] }, { ...on, direction: 'ASC' })).toEqual([0, 2]);
    // The registration order is unchanged by evaluations.
    expect(await ids(null, { field: 'METRIC', metricKey: 'acc', direction: 'ASC' })).toEqual([1, 2, 0, 3]);
  });

  it('pages by an evaluation metric forward and backward', async () => {
    const o = { field: 'METRIC', metricKey: 'acc', datasetVersionId: dT, direction: 'ASC' };
    const forward: number[][] = [];
    let after: string | null = null;
    for (let i = 0; i < 3; i++) {
      const page: Page = await search({ o, first: 1, after });
      expect(page.totalCount).toBe(3);
      expect(page.pageInfo.hasNextPage).toBe(i < 2);
      forward.push(page.nodes.map((n) => v.indexOf(n.id)));
      after = page.pageInfo.endCursor;
    }
    expect(forward).toEqual([[0], [2], [1]]);
    const backward: number[][] = [];
    let before: string | null = null;
    for (let i = 0; i < 2; i++) {
      const page: Page = await search({ o, last: 2, before });
      backward.push(page.nodes.map((n) => v.indexOf(n.id)));
      before = page.pageInfo.startCursor;
    }
    expect(backward).toEqual([[2, 1], [0]]);
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['datasetRole without datasetVersionId', { f: { datasetRole: 'TEST' } }, 'filter.datasetRole'],
    ['an order datasetVersionId with CREATED_AT', { o: { field: 'CREATED_AT', datasetVersionId: 'dsv_x' } }, 'orderBy.datasetVersionId'],
    ['a repeated key on the same dataset version', { f: { metrics: [{ key: 'acc', gt: 0, datasetVersionId: 'dsv_x' }, { key: 'acc', lt: 1, datasetVersionId: 'dsv_x' }] } },
      'filter.metrics.1.key'],
    ['an evaluation threshold without bounds', { f: { metrics: [{ key: 'acc', datasetVersionId: 'dsv_x' }] } }, 'filter.metrics.0'],
  ];

  it.each(bad)('%s → BAD_USER_INPUT', async (_name, vars, field) => {
    const error = await t.fails(SEARCH, vars);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.field).toBe(field);
  });

  it('a repeated key names the dataset version in its message; the same key on two dataset versions is fine', async () => {
    const error = await t.fails(SEARCH, { f: { metrics: [{ key: 'acc', gt: 0, datasetVersionId: dT }, { key: 'acc', lt: 1, datasetVersionId: dT }] } });
    expect(error.message).toBe(`filter.metrics.1.key: repeats the metric key "acc" on dataset version "${dT}" of item 0`);
    expect(await ids({ metrics: [{ key: 'acc', gte: 0.8, datasetVersionId: dT }, { key: 'acc', gte: 0.9, datasetVersionId: dO }] })).toEqual([0]);
  });
});
