import { TestApp } from '../support/app';
import { DIGEST, seed } from '../support/seed';

const Q = `query($id: ID!) { modelVersion(id: $id) { reproducibility {
  complete missing gitRepo gitCommit hyperparameters hyperparametersSource artifactUri artifactDigest
  run { id } datasets { id uri digest } parents { id }
} } }`;

describe('ModelVersion.reproducibility', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    t = await TestApp.start();
    const s = seed(t);
    const ds = await s.dataset();
    ids.raw = (await s.datasetVersion(ds.id, { uri: 's3://raw' })).id;
    ids.clean = (await s.datasetVersion(ds.id, { uri: 's3://clean', derivedFromIds: [ids.raw] })).id;
    ids.val = (await s.datasetVersion(ds.id, { uri: 's3://val' })).id;
    ids.unrelated = (await s.datasetVersion(ds.id, { uri: 's3://other' })).id;
    const exp = await s.experiment();
    ids.run = (await s.run(exp.id, { inputDatasetVersionIds: [ids.clean], gitRepo: 'https://github.com/acme/m', gitCommit: 'abcdef1' })).id;
    const model = await s.model();
    ids.v1 = (await s.version(model.id, {
      runId: ids.run, artifactDigest: DIGEST, hyperparameters: { lr: 0.1 }, datasets: [{ datasetVersionId: ids.val, role: 'VALIDATION' }],
    })).id;
    ids.v2 = (await s.version(model.id, { parentVersionId: ids.v1 })).id;
    ids.v3 = (await s.version(model.id, { parentVersionId: ids.v2, datasets: [{ datasetVersionId: ids.unrelated, role: 'TRAINING' }] })).id;
  });
  afterAll(() => t.stop());

  it('is complete when code, parameters, run, data and digest are all recorded; data is found through runs and derivations', async () => {
    const r = (await t.ok(Q, { id: ids.v1 })).modelVersion.reproducibility;
    expect(r).toMatchObject({
      complete: true, missing: [], gitRepo: 'https://github.com/acme/m', gitCommit: 'abcdef1', hyperparameters: { lr: 0.1 }, hyperparametersSource: 'VERSION',
      artifactDigest: DIGEST, run: { id: ids.run }, parents: [],
    });
    expect(r.datasets.map((d: { id: string }) => d.id).sort()).toEqual([ids.raw, ids.clean, ids.val].sort());
  });

  it('lists what is missing, and the parent chain nearest first without the parents\' data', async () => {
    const r = (await t.ok(Q, { id: ids.v3 })).modelVersion.reproducibility;
    expect(r.complete).toBe(false);
    expect(r.missing).toEqual(['gitRepo', 'gitCommit', 'artifactDigest', 'hyperparameters', 'run']);
    expect(r).toMatchObject({ hyperparameters: null, hyperparametersSource: null });
    expect(r.parents.map((p: { id: string }) => p.id)).toEqual([ids.v2, ids.v1]);
    expect(r.datasets.map((d: { id: string }) => d.id)).toEqual([ids.unrelated]);
    const v2 = (await t.ok(Q, { id: ids.v2 })).modelVersion.reproducibility;
    expect(v2.missing).toContain('datasets');
  });

  it('takes hyperparameters from the run\'s params when the version has none; the version\'s own win whole', async () => {
    const s = seed(t);
    const exp = await s.experiment();
    const params = { max_depth: 6, eta: 0.1 };
    const run = await s.run(exp.id, { params, inputDatasetVersionIds: [ids.clean], gitRepo: 'https://github.com/acme/m', gitCommit: 'abcdef2' });
    const model = await s.model();
    const fromRun = await s.version(model.id, { runId: run.id, artifactDigest: DIGEST });
    const r = (await t.ok(Q, { id: fromRun.id })).modelVersion.reproducibility;
    expect(r).toMatchObject({ complete: true, missing: [], hyperparameters: params, hyperparametersSource: 'RUN' });
    // the version's own field stays what was registered
    const own = await t.ok('query($id: ID!) { modelVersion(id: $id) { hyperparameters } }', { id: fromRun.id });
    expect(own.modelVersion.hyperparameters).toBeNull();

    const overriding = await s.version(model.id, { runId: run.id, artifactDigest: DIGEST, hyperparameters: { eta: 0.05 } });
    const o = (await t.ok(Q, { id: overriding.id })).modelVersion.reproducibility;
    expect(o).toMatchObject({ complete: true, hyperparameters: { eta: 0.05 }, hyperparametersSource: 'VERSION' });

    const bare = await s.run(exp.id, { inputDatasetVersionIds: [ids.clean], gitRepo: 'https://github.com/acme/m', gitCommit: 'abcdef3' });
    const none = await s.version(model.id, { runId: bare.id, artifactDigest: DIGEST });
    const n = (await t.ok(Q, { id: none.id })).modelVersion.reproducibility;
    expect(n).toMatchObject({ complete: false, missing: ['hyperparameters'], hyperparameters: null, hyperparametersSource: null });
  });

  it('is batched: the statement count does not grow with the number of versions', async () => {
    const s = seed(t);
    const exp = await s.experiment();
    for (let m = 0; m < 4; m++) {
      const model = await s.model(`batch-${m}`);
      const run = await s.run(exp.id, { inputDatasetVersionIds: [ids.clean] });
      const v1 = await s.version(model.id, { runId: run.id, datasets: [{ datasetVersionId: ids.val, role: 'TEST' }] });
      const v2 = await s.version(model.id, { runId: run.id, parentVersionId: v1.id });
      await s.version(model.id, { runId: run.id, parentVersionId: v2.id });
    }
    const q = `query($n: Int) { models(first: $n, filter: { nameContains: "batch-" }) { nodes { versions { nodes {
      reproducibility { complete missing datasets { id uri } parents { id } run { id } } } } } } }`;
    const one = await t.statements(q, { n: 1 });
    const all = await t.statements(q, { n: 4 });
    expect(all.result.errors).toBeUndefined();
    const versions = (all.result.data as { models: { nodes: { versions: { nodes: { reproducibility: { parents: unknown[] } }[] } }[] } }).models.nodes;
    expect(versions.flatMap((m) => m.versions.nodes)).toHaveLength(12);
    expect(versions[0].versions.nodes[0].reproducibility.parents).toHaveLength(2);
    expect(all.statements.length).toBe(one.statements.length);
  });
});
