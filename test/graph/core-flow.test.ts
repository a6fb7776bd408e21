import { TestApp } from '../support/app';
import { DIGEST, seed } from '../support/seed';

describe('the core graph, end to end', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  it('links experiment → run → model version ← dataset version and walks it back', async () => {
    const s = seed(t);
    const exp = await s.experiment('churn');
    const ds = await s.dataset('customers');
    const raw = await s.datasetVersion(ds.id, { rowCount: 1000 });
    const clean = await s.datasetVersion(ds.id, { derivedFromIds: [raw.id], schema: { columns: [{ name: 'age', type: 'int' }] } });
    const run = await s.run(exp.id, {
      name: 'xgb-1', params: { lr: 0.1 }, gitRepo: 'https://github.com/acme/churn', gitCommit: 'abc1234', inputDatasetVersionIds: [clean.id],
    });
    await t.ok('mutation($r: ID!) { logRunMetrics(runId: $r, metrics: [{ key: "auc", value: 0.8, step: 1 }, { key: "auc", value: 0.9, step: 2 }]) { id } }', { r: run.id });
    await t.ok('mutation($r: ID!) { finishRun(runId: $r, status: FINISHED) { status endedAt } }', { r: run.id });
    const model = await s.model('churn-model', 'SEMVER');
    const v1 = await s.version(model.id, {
      runId: run.id, artifactDigest: DIGEST, datasets: [{ datasetVersionId: clean.id, role: 'TRAINING' }],
      metrics: [{ key: 'auc', value: 0.9 }], hyperparameters: { depth: 6 }, tags: [{ key: 'team', value: 'growth' }],
    });
    const v2 = await s.version(model.id, { bump: 'MAJOR', parentVersionId: v1.id });
    expect([v1.version, v2.version]).toEqual(['1.0.0', '2.0.0']);

    const data = await t.ok(`query($m: String!) { model(name: $m) {
      name versioningScheme latestVersion { version }
      versions(first: 10) { totalCount edges { cursor node { version sequence stage parent { version } children { nodes { version } }
        run { name status gitCommit experiment { name } inputs { version derivedFrom { version } } metrics { key value step } }
        datasets { role datasetVersion { uri digest dataset { name } usedBy { nodes { version } } } }
        metrics { key value } tags { key value } gitRepo } } }
    } }`, { m: 'churn-model' });
    const m = data.model;
    expect(m.latestVersion.version).toBe('2.0.0');
    expect(m.versions.totalCount).toBe(2);
    const [n2, n1] = m.versions.edges.map((e: { node: unknown }) => e.node);
    expect(n2).toMatchObject({ version: '2.0.0', sequence: 2, stage: 'NONE', parent: { version: '1.0.0' }, run: null });
    expect(n1).toMatchObject({
      version: '1.0.0', children: { nodes: [{ version: '2.0.0' }] }, gitRepo: 'https://github.com/acme/churn',
      run: { name: 'xgb-1', status: 'FINISHED', gitCommit: 'abc1234', experiment: { name: 'churn' },
        inputs: [{ version: '2', derivedFrom: [{ version: '1' }] }], metrics: [{ key: 'auc', value: 0.9, step: 2 }] },
      datasets: [{ role: 'TRAINING', datasetVersion: { uri: 's3://data/part', digest: DIGEST, dataset: { name: 'customers' }, usedBy: { nodes: [{ version: '1.0.0' }] } } }],
      metrics: [{ key: 'auc', value: 0.9 }], tags: [{ key: 'team', value: 'growth' }],
    });

    const byLabel = await t.ok('{ modelVersion(model: "churn-model", version: "1.0.0") { id hyperparameters } }');
    expect(byLabel.modelVersion).toEqual({ id: v1.id, hyperparameters: { depth: 6 } });
    const node = await t.ok('query($id: ID!) { node(id: $id) { __typename id ... on Run { name } } }', { id: run.id });
    expect(node.node).toEqual({ __typename: 'Run', id: run.id, name: 'xgb-1' });
  });
});
