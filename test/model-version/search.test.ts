import { ModelVersion } from '../../src/model-version/model-version.entity';
import { TestApp } from '../support/app';
import { seed } from '../support/seed';

/**
 * modelVersions(filter:, orderBy:) across three models, with known answers for each filter alone, combined,
 * ordered by a registration metric both ways and paged forward and backward.
 */

const SEARCH = `query($f: ModelVersionSearch, $o: ModelVersionSearchOrder, $first: Int, $after: String, $last: Int, $before: String) {
  modelVersions(filter: $f, orderBy: $o, first: $first, after: $after, last: $last, before: $before) {
    nodes { id } totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;

type Page = { nodes: { id: string }[]; totalCount: number; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string; endCursor: string } };

describe('modelVersions(filter:, orderBy:)', () => {
  let t: TestApp;
  const v: string[] = [];
  const m: string[] = [];
  let d1 = '';
  let d2 = '';

  beforeAll(async () => {
    t = await TestApp.start();
    for (let i = 0; i < 3; i++) m.push((await seed(t).model()).id);
    const ds = await seed(t).dataset();
    d1 = (await seed(t).datasetVersion(ds.id)).id;
    d2 = (await seed(t).datasetVersion(ds.id)).id;
    const metrics = (o: Record<string, number>) => Object.entries(o).map(([key, value]) => ({ key, value }));
    const specs: [number, Record<string, unknown>][] = [
      [0, { metrics: metrics({ acc: 0.8, loss: 0.5 }), hyperparameters: { optimizer: 'adam', layers: 4, dropout: true },
        tags: [{ key: 'team', value: 'vision' }], datasets: [{ datasetVersionId: d1 }] }],
      [0, { metrics: metrics({ acc: 0.9, loss: 0.3 }), hyperparameters: { optimizer: 'sgd', layers: 4 },
        tags: [{ key: 'team', value: 'vision' }, { key: 'gold', value: 'yes' }] }],
      [1, { metrics: metrics({ acc: 0.85 }), hyperparameters: { optimizer: 'adam', layers: '4' },
        tags: [{ key: 'team', value: 'nlp' }], datasets: [{ datasetVersionId: d1, role: 'TEST' }] }],
      [1, { metrics: metrics({ acc: 0.95, loss: 0.2 }), hyperparameters: { optimizer: 'Adam', layers: 8, dropout: false } }],
      [2, { metrics: metrics({ loss: 0.4 }), tags: [{ key: 'gold', value: 'no' }], datasets: [{ datasetVersionId: d2 }] }],
      // Two points of acc: the last registered one (0.70) is the version's value.
      [2, { metrics: [{ key: 'acc', value: 0.99, step: 0 }, { key: 'acc', value: 0.7, step: 1 }], hyperparameters: { optimizer: 'adam', layers: 4.0 } }],
    ];
    for (const [model, extra] of specs) v.push((await seed(t).version(m[model], extra)).id);
    for (let i = 0; i < v.length; i++) {
      await t.app.db.manager.update(ModelVersion, { id: v[i] }, { createdAt: new Date(Date.UTC(2026, 0, i + 1)) });
    }
    const stage = 'mutation($v: ID!, $s: Stage!) { transitionStage(versionId: $v, stage: $s) { id } }';
    await t.ok(stage, { v: v[1], s: 'STAGING' });
    await t.ok(stage, { v: v[5], s: 'STAGING' });
    await t.ok(stage, { v: v[2], s: 'PRODUCTION' });
    const alias = 'mutation($m: ID!, $v: ID!) { setAlias(modelId: $m, alias: "champion", versionId: $v) { id } }';
    await t.ok(alias, { m: m[0], v: v[1] });
    await t.ok(alias, { m: m[1], v: v[0 + 3] });
  });
  afterAll(() => t.stop());

  const search = async (vars: Record<string, unknown>): Promise<Page> => (await t.ok<{ modelVersions: Page }>(SEARCH, vars)).modelVersions;
  const ids = async (f: Record<string, unknown> | null, o: Record<string, unknown> | null = null) =>
    (await search({ f, o, first: 100 })).nodes.map((n) => v.indexOf(n.id));

  const cases: [string, () => Record<string, unknown> | null, number[]][] = [
    ['no filter, newest first', () => null, [5, 4, 3, 2, 1, 0]],
    ['modelIds', () => ({ modelIds: [m[0], m[2]] }), [5, 4, 1, 0]],
    ['stage', () => ({ stage: 'STAGING' }), [5, 1]],
    ['alias', () => ({ alias: 'champion' }), [3, 1]],
    ['one tag', () => ({ tags: [{ key: 'team', value: 'vision' }] }), [1, 0]],
    ['every tag', () => ({ tags: [{ key: 'team', value: 'vision' }, { key: 'gold', value: 'yes' }] }), [1]],
    ['any of several tags', () => ({ anyTags: [{ key: 'team', value: 'nlp' }, { key: 'gold', value: 'yes' }, { key: 'gold', value: 'maybe' }] }), [2, 1]],
    ['any of, with every tag', () => ({ anyTags: [{ key: 'team', value: 'nlp' }, { key: 'gold', value: 'yes' }], tags: [{ key: 'team', value: 'vision' }] }), [1]],
    ['tag key only', () => ({ tagKey: 'gold' }), [4, 1]],
    ['metric gte (the last point counts)', () => ({ metrics: [{ key: 'acc', gte: 0.85 }] }), [3, 2, 1]],
    ['metric range', () => ({ metrics: [{ key: 'acc', gt: 0.8, lt: 0.95 }] }), [2, 1]],
    ['two metrics', () => ({ metrics: [{ key: 'acc', gte: 0.8 }, { key: 'loss', lte: 0.3 }] }), [3, 1]],
    ['hyperparameter string (case-sensitive)', () => ({ hyperparameters: { optimizer: 'adam' } }), [5, 2, 0]],
    ['hyperparameter number (not the string "4")', () => ({ hyperparameters: { layers: 4 } }), [5, 1, 0]],
    ['hyperparameter string "4"', () => ({ hyperparameters: { layers: '4' } }), [2]],
    ['hyperparameter true', () => ({ hyperparameters: { dropout: true } }), [0]],
    ['hyperparameter false', () => ({ hyperparameters: { dropout: false } }), [3]],
    ['two hyperparameters', () => ({ hyperparameters: { optimizer: 'adam', layers: 4 } }), [5, 0]],
    ['dataset version (any role)', () => ({ datasetVersionId: d1 }), [2, 0]],
    ['created range', () => ({ createdAfter: '2026-01-02T12:00:00Z', createdBefore: '2026-01-05T00:00:00Z' }), [3, 2]],
    ['combined', () => ({ modelIds: [m[0], m[1]], metrics: [{ key: 'acc', gte: 0.85 }], hyperparameters: { optimizer: 'adam' } }), [2]],
    ['combined with stage and tag key', () => ({ stage: 'STAGING', hyperparameters: { layers: 4 }, tagKey: 'team' }), [1]],
    ['nothing matches', () => ({ alias: 'champion', stage: 'PRODUCTION' }), []],
  ];

  it.each(cases)('%s', async (_name, filter, expected) => {
    expect(await ids(filter())).toEqual(expected);
  });

  it('orders by a metric ascending and descending, leaving out versions without it', async () => {
    expect(await ids(null, { field: 'METRIC', metricKey: 'acc', direction: 'ASC' })).toEqual([5, 0, 2, 1, 3]);
    expect(await ids(null, { field: 'METRIC', metricKey: 'acc', direction: 'DESC' })).toEqual([3, 1, 2, 0, 5]);
    expect(await ids({ metrics: [{ key: 'acc', gte: 0.8 }], stage: 'NONE' }, { field: 'METRIC', metricKey: 'acc' })).toEqual([3, 0]);
    expect(await ids(null, { field: 'METRIC', metricKey: 'loss', direction: 'ASC' })).toEqual([3, 1, 4, 0]);
    expect(await ids(null, { field: 'CREATED_AT', direction: 'ASC' })).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('pages by metric forward and backward with (value, id) cursors', async () => {
    const o = { field: 'METRIC', metricKey: 'acc', direction: 'ASC' };
    const forward: number[][] = [];
    let after: string | null = null;
    for (let i = 0; i < 3; i++) {
      const page: Page = await search({ o, first: 2, after });
      expect(page.totalCount).toBe(5);
      expect(page.pageInfo.hasNextPage).toBe(i < 2);
      forward.push(page.nodes.map((n) => v.indexOf(n.id)));
      after = page.pageInfo.endCursor;
    }
    expect(forward).toEqual([[5, 0], [2, 1], [3]]);
    const backward: number[][] = [];
    let before: string | null = null;
    for (let i = 0; i < 3; i++) {
      const page: Page = await search({ o, last: 2, before });
      expect(page.pageInfo.hasPreviousPage).toBe(i < 2);
      backward.push(page.nodes.map((n) => v.indexOf(n.id)));
      before = page.pageInfo.startCursor;
    }
    expect(backward).toEqual([[1, 3], [0, 2], [5]]);
  });

  it('pages by creation with the filter kept', async () => {
    const first = await search({ f: { metrics: [{ key: 'acc', gte: 0.8 }] }, first: 2 });
    expect(first.nodes.map((n) => v.indexOf(n.id))).toEqual([3, 2]);
    expect(first.totalCount).toBe(4);
    const next = await search({ f: { metrics: [{ key: 'acc', gte: 0.8 }] }, first: 2, after: first.pageInfo.endCursor });
    expect(next.nodes.map((n) => v.indexOf(n.id))).toEqual([1, 0]);
    expect(next.pageInfo.hasNextPage).toBe(false);
  });

  it('batches the relations of every found version: one statement per relation, plus the page and its count', async () => {
    const query = `{ modelVersions(orderBy: { field: METRIC, metricKey: "acc" }, first: 10) {
      totalCount nodes { id model { name } metrics { key value } tags { key } datasets { role datasetVersion { id } } } } }`;
    const { result, statements } = await t.statements(query);
    expect(result.errors).toBeUndefined();
    expect((result.data as { modelVersions: Page }).modelVersions.nodes.map((n) => v.indexOf(n.id))).toEqual([3, 1, 2, 0, 5]);
    // page, count, models, metrics, tags, dataset links with their dataset versions
    expect(statements).toHaveLength(6);
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['a threshold without bounds', { f: { metrics: [{ key: 'acc', gt: 0.1 }, { key: 'loss' }] } }, 'filter.metrics.1'],
    ['orderBy METRIC without metricKey', { o: { field: 'METRIC' } }, 'orderBy.metricKey'],
    ['metricKey with CREATED_AT', { o: { field: 'CREATED_AT', metricKey: 'acc' } }, 'orderBy.metricKey'],
    ['first over 100', { first: 101 }, 'first'],
    ['a non-scalar hyperparameter', { f: { hyperparameters: { layers: [4] } } }, 'filter.hyperparameters.layers'],
    ['a hyperparameter key outside the path alphabet', { f: { hyperparameters: { 'a"b': 1 } } }, 'filter.hyperparameters.a"b'],
    ['hyperparameters not an object', { f: { hyperparameters: [1] } }, 'filter.hyperparameters'],
    ['a repeated threshold key', { f: { metrics: [{ key: 'acc', gt: 0 }, { key: 'acc', lt: 1 }] } }, 'filter.metrics.1.key'],
    ['a malformed cursor', { o: { field: 'METRIC', metricKey: 'acc' }, after: 'nope' }, 'after'],
    ['a creation-order cursor on a metric order', { o: { field: 'METRIC', metricKey: 'acc' }, before: Buffer.from('["mv_x","mv_x"]').toString('base64url') }, 'before'],
  ];

  it.each(bad)('%s → BAD_USER_INPUT', async (_name, vars, field) => {
    const error = await t.fails(SEARCH, vars);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.field).toBe(field);
  });
});
