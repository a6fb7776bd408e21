import { TestApp } from '../support/app';
import { digestOf, seed } from '../support/seed';

const Q = `query($ids: [ID!]!, $d: ID) { compareVersions(ids: $ids, datasetVersionId: $d) {
  versions { id } metrics { key values deltas best { id } higherIsBetter directionsDisagree } } }`;
const LOG = `mutation($v: ID!, $d: ID!, $m: [MetricInput!]!, $s: Int) { logEvaluation(versionId: $v, datasetVersionId: $d, metrics: $m, step: $s) { id } }`;

type Diff = { key: string; values: (number | null)[]; deltas: (number | null)[]; best: { id: string } | null; higherIsBetter: boolean; directionsDisagree: boolean };

/** compareVersions(ids, datasetVersionId:): the versions' evaluations on one dataset version instead of their registration metrics. */
describe('compareVersions on a dataset version', () => {
  let t: TestApp;
  const v: string[] = [];
  let test = '';
  let other = '';
  beforeAll(async () => {
    t = await TestApp.start();
    const s = seed(t);
    const model = (await s.model()).id;
    const ds = await s.dataset();
    test = (await s.datasetVersion(ds.id, { digest: digestOf(1) })).id;
    other = (await s.datasetVersion(ds.id, { digest: digestOf(2) })).id;
    for (let i = 0; i < 3; i++) v.push((await s.version(model, { metrics: [{ key: 'auc', value: 0.5 + i / 8 }, { key: 'train_loss', value: 1 - i / 8 }] })).id);
    const log = (i: number, d: string, metrics: { key: string; value: number; step?: number }[], step?: number) =>
      t.ok(LOG, { v: v[i], d, m: metrics, s: step ?? null });
    // v0: auc 0.70 at step 1, then 0.75 at step 2; loss 0.5. v1: auc 0.875 at step 4, a later-logged 0.25 at step 3; loss 0.25.
    await log(0, test, [{ key: 'auc', value: 0.7 }, { key: 'loss', value: 0.5 }], 1);
    await log(0, test, [{ key: 'auc', value: 0.75 }], 2);
    await log(1, test, [{ key: 'auc', value: 0.875, step: 4 }, { key: 'loss', value: 0.25 }]);
    await log(1, test, [{ key: 'auc', value: 0.25, step: 3 }]);
    // v2: nothing on the test set; on another dataset version only.
    await log(2, other, [{ key: 'auc', value: 0.99 }]);
  });
  afterAll(() => t.stop());

  const metrics = async (ids: string[], d: string | null): Promise<Diff[]> => (await t.ok(Q, { ids, d })).compareVersions.metrics;

  it('compares the latest evaluation point per key on that dataset version (highest step, then last logged)', async () => {
    expect(await metrics(v, test)).toEqual([
      { key: 'auc', values: [0.75, 0.875, null], deltas: [0, 0.125, null], best: { id: v[1] }, higherIsBetter: true, directionsDisagree: false },
      { key: 'loss', values: [0.5, 0.25, null], deltas: [0, -0.25, null], best: { id: v[1] }, higherIsBetter: false, directionsDisagree: false },
    ]);
    expect(await metrics([v[2], v[0]], other)).toEqual([
      { key: 'auc', values: [0.99, null], deltas: [0, null], best: { id: v[2] }, higherIsBetter: true, directionsDisagree: false },
    ]);
  });

  it('without a dataset version, registration metrics as before', async () => {
    expect((await metrics([v[0], v[1]], null)).map((d) => [d.key, d.values])).toEqual([['auc', [0.5, 0.625]], ['train_loss', [1, 0.875]]]);
  });

  it('a dataset version nothing was evaluated on gives no metrics', async () => {
    const s = seed(t);
    const unused = (await s.datasetVersion((await s.dataset()).id)).id;
    expect(await metrics([v[0], v[1]], unused)).toEqual([]);
  });

  it('an unknown dataset version is NOT_FOUND on datasetVersionId (after the version ids are checked)', async () => {
    const unknown = test.slice(0, -4) + 'ZZZZ';
    expect(await t.fails(Q, { ids: [v[0], v[1]], d: unknown })).toMatchObject({ code: 'NOT_FOUND', field: 'datasetVersionId', message: `DatasetVersion "${unknown}" not found` });
    expect(await t.fails(Q, { ids: [v[0], v[1]], d: v[2] })).toMatchObject({ code: 'NOT_FOUND', field: 'datasetVersionId' });
    expect(await t.fails(Q, { ids: [v[0], 'mv_unknown'], d: unknown })).toMatchObject({ code: 'NOT_FOUND', field: 'ids.1' });
  });

  it('is batched: 10 versions on a dataset version issue as many statements as 2', async () => {
    const s = seed(t);
    const many: string[] = [];
    for (let i = 0; i < 10; i++) {
      const model = (await s.model()).id;
      many.push((await s.version(model)).id);
      await t.ok(LOG, { v: many[i], d: test, m: [{ key: 'auc', value: i / 16 }, { key: 'auc', value: i / 32, step: 0 }] });
    }
    await t.ok(`mutation($m: ID!) { setMetricDirection(modelId: $m, key: "auc", higherIsBetter: true) { id } }`,
      { m: (await t.ok(`query($id: ID!) { modelVersion(id: $id) { model { id } } }`, { id: many[3] })).modelVersion.model.id });
    const two = await t.statements(Q, { ids: many.slice(0, 2), d: test });
    const ten = await t.statements(Q, { ids: many, d: test });
    expect(ten.result.errors).toBeUndefined();
    const c = (ten.result.data as { compareVersions: { metrics: Diff[] } }).compareVersions;
    expect(c.metrics[0].values).toEqual(Array.from({ length: 10 }, (_, i) => i / 32));
    expect(c.metrics[0].best).toEqual({ id: many[9] });
    expect(ten.statements.length).toBe(two.statements.length);
    // versions, the dataset version, latest evaluation points, model directions, tags, dataset links (no dataset versions linked)
    expect(ten.statements.length).toBe(6);
  });
});
