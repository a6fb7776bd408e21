import { TestApp } from '../support/app';
import { digestOf, seed } from '../support/seed';
import { higherIsBetter } from '../../src/comparison/comparison.service';

const Q = `query($ids: [ID!]!) { compareVersions(ids: $ids) {
  versions { id }
  params { key values differs } paramSources
  metrics { key values deltas best { id } higherIsBetter }
  datasets { version { id } datasets { role datasetVersion { id digest } } } sameDatasets
  tags { key values differs } gitCommits
  signatureChanges { version { id } against { id } compatible breaking }
} }`;

const SIGNATURE = {
  inputs: [{ name: 'age', type: 'long' }, { name: 'income', type: 'double' }, { name: 'x', type: 'float32', shape: [-1, 3] }],
  outputs: [{ name: 'score', type: 'double' }],
};

describe('compareVersions', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    t = await TestApp.start();
    const s = seed(t);
    const ds = await s.dataset();
    ids.train = (await s.datasetVersion(ds.id, { digest: digestOf(1) })).id;
    ids.test = (await s.datasetVersion(ds.id, { digest: digestOf(2) })).id;
    ids.train2 = (await s.datasetVersion(ds.id, { digest: digestOf(3) })).id;
    const exp = await s.experiment();
    const run = await s.run(exp.id, { params: { lr: 0.05, depth: 8 } });
    const m1 = await s.model();
    const m2 = await s.model();
    ids.a = (await s.version(m1.id, {
      hyperparameters: { lr: 0.1, depth: 6, opt: { name: 'adam', beta: 0.9 } }, gitCommit: 'abcdef1', signature: SIGNATURE,
      metrics: [{ key: 'auc', value: 0.75 }, { key: 'loss', value: 0.5 }, { key: 'loss', value: 0.25, step: 2 }],
      datasets: [{ datasetVersionId: ids.train, role: 'TRAINING' }, { datasetVersionId: ids.test, role: 'TEST' }],
      tags: [{ key: 'team', value: 'risk' }],
    })).id;
    ids.b = (await s.version(m1.id, {
      runId: run.id, gitCommit: 'abcdef2', signature: { ...SIGNATURE, inputs: [...SIGNATURE.inputs, { name: 'extra', type: 'string' }] },
      metrics: [{ key: 'auc', value: 0.875 }, { key: 'loss', value: 0.125 }, { key: 'val_rmse', value: 3 }],
      datasets: [{ datasetVersionId: ids.test, role: 'TEST' }, { datasetVersionId: ids.train, role: 'TRAINING' }],
      tags: [{ key: 'team', value: 'risk' }],
    })).id;
    ids.c = (await s.version(m2.id, {
      hyperparameters: { lr: 0.1, depth: 6, opt: { beta: 0.9, name: 'adam' }, dropout: 0.2 },
      signature: {
        inputs: [{ name: 'income', type: 'float' }, { name: 'x', type: 'float32', shape: [-1, 4] }],
        outputs: [{ name: 'score', type: 'float' }, { name: 'label', type: 'long' }],
      },
      metrics: [{ key: 'auc', value: 0.5 }, { key: 'val_rmse', value: 2.5 }],
      datasets: [{ datasetVersionId: ids.train2, role: 'TRAINING' }],
      tags: [{ key: 'team', value: 'growth' }, { key: 'ab', value: 'x' }],
    })).id;
  });
  afterAll(() => t.stop());

  it('lines up hyperparameters (own, else the run\'s), metrics with deltas, best and direction', async () => {
    const c = (await t.ok(Q, { ids: [ids.a, ids.b, ids.c] })).compareVersions;
    expect(c.versions.map((v: { id: string }) => v.id)).toEqual([ids.a, ids.b, ids.c]);
    expect(c.params).toEqual([
      { key: 'depth', values: [6, 8, 6], differs: true },
      { key: 'dropout', values: [null, null, 0.2], differs: true },
      { key: 'lr', values: [0.1, 0.05, 0.1], differs: true },
      { key: 'opt', values: [{ name: 'adam', beta: 0.9 }, null, { beta: 0.9, name: 'adam' }], differs: true },
    ]);
    expect(c.paramSources).toEqual(['VERSION', 'RUN', 'VERSION']);
    expect(c.metrics).toEqual([
      { key: 'auc', values: [0.75, 0.875, 0.5], deltas: [0, 0.125, -0.25], best: { id: ids.b }, higherIsBetter: true },
      // the latest point of a key counts: a's loss at step 2
      { key: 'loss', values: [0.25, 0.125, null], deltas: [0, -0.125, null], best: { id: ids.b }, higherIsBetter: false },
      { key: 'val_rmse', values: [null, 3, 2.5], deltas: [null, null, null], best: { id: ids.c }, higherIsBetter: false },
    ]);
    expect(c.gitCommits).toEqual(['abcdef1', 'abcdef2', null]);
    expect(c.tags).toEqual([
      { key: 'ab', values: [null, null, 'x'], differs: true },
      { key: 'team', values: ['risk', 'risk', 'growth'], differs: true },
    ]);
  });

  it('equal values do not differ; object key order does not matter', async () => {
    const c = (await t.ok(Q, { ids: [ids.c, ids.a] })).compareVersions;
    expect(c.params.filter((p: { differs: boolean }) => !p.differs).map((p: { key: string }) => p.key)).toEqual(['depth', 'lr', 'opt']);
    expect(c.metrics[0]).toEqual({ key: 'auc', values: [0.5, 0.75], deltas: [0, 0.25], best: { id: ids.a }, higherIsBetter: true });
  });

  it('deltas carry no binary floating-point noise (0.84 − 0.81 is 0.03)', async () => {
    const s = seed(t);
    const m = await s.model();
    const x = (await s.version(m.id, { metrics: [{ key: 'auc', value: 0.81 }, { key: 'loss', value: 0.42 }] })).id;
    const y = (await s.version(m.id, { metrics: [{ key: 'auc', value: 0.84 }, { key: 'loss', value: 0.39 }] })).id;
    const c = (await t.ok(Q, { ids: [x, y] })).compareVersions;
    expect(c.metrics.map((d: { deltas: number[] }) => d.deltas)).toEqual([[0, 0.03], [0, -0.03]]);
  });

  it('shows each version\'s data and whether all used the same digests in the same roles', async () => {
    const same = (await t.ok(Q, { ids: [ids.a, ids.b] })).compareVersions;
    expect(same.sameDatasets).toBe(true);
    expect(same.datasets[0]).toEqual({ version: { id: ids.a }, datasets: expect.arrayContaining([
      { role: 'TRAINING', datasetVersion: { id: ids.train, digest: digestOf(1) } },
      { role: 'TEST', datasetVersion: { id: ids.test, digest: digestOf(2) } },
    ]) });
    const differ = (await t.ok(Q, { ids: [ids.a, ids.c] })).compareVersions;
    expect(differ.sameDatasets).toBe(false);
    expect(differ.datasets[1]).toEqual({ version: { id: ids.c }, datasets: [{ role: 'TRAINING', datasetVersion: { id: ids.train2, digest: digestOf(3) } }] });
  });

  it('signature: an added input is compatible; removed/retyped inputs and changed outputs break', async () => {
    const c = (await t.ok(Q, { ids: [ids.a, ids.b, ids.c] })).compareVersions;
    expect(c.signatureChanges).toEqual([
      { version: { id: ids.b }, against: { id: ids.a }, compatible: true, breaking: [] },
      { version: { id: ids.c }, against: { id: ids.a }, compatible: false, breaking: [
        'removed input "age"',
        'retyped input "income": double → float',
        'retyped input "x": float32[-1,3] → float32[-1,4]',
        'retyped output "score": double → float',
        'added output "label"',
      ] },
    ]);
  });

  it('signature: MLflow-style tensor specs and columns lists; a dropped signature breaks, a missing first one promises nothing', async () => {
    const s = seed(t);
    const m = await s.model();
    const tensor = (await s.version(m.id, { signature: { inputs: { tensors: [{ name: 'img', 'tensor-spec': { dtype: 'uint8', shape: [-1, 28, 28] } }] } } })).id;
    const columns = (await s.version(m.id, { signature: { inputs: { columns: [{ name: 'img', type: 'uint8', shape: [-1, 28, 28] }] } } })).id;
    const none = (await s.version(m.id)).id;
    const c = (await t.ok(Q, { ids: [tensor, columns, none] })).compareVersions;
    expect(c.signatureChanges.map((x: { compatible: boolean; breaking: string[] }) => [x.compatible, x.breaking])).toEqual([
      [true, []], [false, ['signature removed']],
    ]);
    const fromNone = (await t.ok(Q, { ids: [none, tensor] })).compareVersions;
    expect(fromNone.signatureChanges[0]).toMatchObject({ compatible: true, breaking: [] });
  });

  it('rejects bad id lists: BAD_USER_INPUT for counts and repeats, NOT_FOUND naming the position', async () => {
    const eleven = Array.from({ length: 11 }, (_, i) => `mv_unknown${i}`); // counted before any is looked up
    expect(await t.fails(Q, { ids: [ids.a] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ids', message: 'ids: must have at least 2 items' });
    expect(await t.fails(Q, { ids: eleven })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ids', message: 'ids: must have at most 10 items' });
    expect(await t.fails(Q, { ids: [ids.a, ids.b, ids.a] }))
      .toMatchObject({ code: 'BAD_USER_INPUT', field: 'ids.2', message: `ids.2: repeats the id "${ids.a}" of item 0` });
    const unknown = ids.a.slice(0, -4) + 'ZZZZ';
    expect(await t.fails(Q, { ids: [ids.a, unknown] })).toMatchObject({ code: 'NOT_FOUND', field: 'ids.1', message: `ModelVersion "${unknown}" not found` });
    expect(await t.fails(Q, { ids: ['run_nope', ids.a] })).toMatchObject({ code: 'NOT_FOUND', field: 'ids.0' });
  });

  it('is batched: comparing 10 versions issues as many statements as comparing 2', async () => {
    const s = seed(t);
    const exp = await s.experiment();
    const many: string[] = [];
    for (let i = 0; i < 10; i++) {
      const model = await s.model();
      const run = await s.run(exp.id, { params: { i } });
      const dsv = await s.datasetVersion((await s.dataset()).id, { digest: digestOf(100 + i) });
      many.push((await s.version(model.id, {
        runId: run.id, metrics: [{ key: 'auc', value: i / 16 }], tags: [{ key: 'i', value: String(i) }],
        datasets: [{ datasetVersionId: dsv.id, role: 'TRAINING' }],
      })).id);
    }
    const two = await t.statements(Q, { ids: many.slice(0, 2) });
    const ten = await t.statements(Q, { ids: many });
    expect(ten.result.errors).toBeUndefined();
    const c = (ten.result.data as { compareVersions: { params: { values: unknown[] }[]; metrics: { best: { id: string } }[] } }).compareVersions;
    expect(c.params[0].values).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(c.metrics[0].best).toEqual({ id: many[9] });
    expect(ten.statements.length).toBe(two.statements.length);
    expect(ten.statements.length).toBe(5); // versions, latest metrics, model directions, tags, dataset links with their dataset versions
  });
});

describe('metric direction by name', () => {
  it('lower is better for loss/error-like words, whatever the case or separator; negated scores go up', () => {
    const lower = ['loss', 'val_loss', 'trainLoss', 'logloss', 'test-rmse', 'MSE', 'mae', 'error_rate', 'perplexity', 'nll', 'wer'];
    const higher = ['auc', 'accuracy', 'f1', 'neg_log_loss', 'negative_mse', 'precision@10', 'glossary_hits', 'terror'];
    expect(lower.filter((k) => higherIsBetter(k))).toEqual([]);
    expect(higher.filter((k) => !higherIsBetter(k))).toEqual([]);
  });
});
