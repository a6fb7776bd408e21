import { TestApp } from '../support/app';
import { seed, unique } from '../support/seed';

/**
 * Statements that read a level ahead (a model with its latest version; a version's dataset links with their
 * dataset versions and datasets) answer exactly what the level-by-level loaders answer, in fewer statements.
 */
const VERSION_FIELDS = `id version sequence stage description artifactUri artifactDigest framework hyperparameters signature
  gitRepo gitCommit createdBy createdAt updatedAt`;
const DATASET_VERSION_FIELDS = 'id version sequence uri digest rowCount schema description createdBy createdAt updatedAt';
const DATASET_FIELDS = 'id name description versionCount archived archivedAt createdAt updatedAt';

const TYPICAL = `query($name: String!) { model(name: $name) { id name versionCount archivedAt latestVersion { ${VERSION_FIELDS}
  metrics { key value step } datasets { role datasetVersion { ${DATASET_VERSION_FIELDS} dataset { ${DATASET_FIELDS} } } } } } }`;

describe('reading a level ahead', () => {
  let t: TestApp;
  let modelName: string;
  let emptyName: string;
  let versionIds: string[];
  beforeAll(async () => {
    t = await TestApp.start();
    const s = seed(t);
    const ds = await s.dataset(unique('ahead-ds'));
    const other = await s.dataset(unique('ahead-ds'));
    const dv1 = await s.datasetVersion(ds.id, { rowCount: 12, schema: { columns: [{ name: 'a', type: 'int' }] }, description: 'first' });
    const dv2 = await s.datasetVersion(other.id);
    const model = await s.model(unique('ahead-model'));
    modelName = model.name;
    emptyName = (await s.model(unique('ahead-empty'))).name;
    versionIds = [];
    for (let i = 0; i < 3; i++) {
      const v = await s.version(model.id, {
        hyperparameters: { depth: i, eta: 0.1 }, signature: { inputs: [{ name: 'x', type: 'float' }] }, description: `v${i}`,
        framework: 'xgboost', metrics: [{ key: 'auc', value: 0.5 + i / 10 }, { key: 'loss', value: 1 / (i + 1), step: i }],
        datasets: i === 0 ? [] : [{ datasetVersionId: dv1.id, role: 'TRAINING' }, { datasetVersionId: dv2.id, role: 'VALIDATION' }],
      });
      versionIds.push(v.id);
    }
  });
  afterAll(() => t.stop());

  it('model(name:) { latestVersion { metrics datasets { datasetVersion { dataset } } } } takes 3 statements and answers as the list does', async () => {
    const { result, statements } = await t.statements(TYPICAL, { name: modelName });
    expect(result.errors).toBeUndefined();
    // the model with its latest version; the version's metrics; its dataset links with their dataset versions and datasets
    expect(statements).toHaveLength(3);
    const one = (result.data as { model: Record<string, unknown> }).model;
    // models(…) reads level by level: the same rows through other statements.
    const listed = await t.ok<{ models: { nodes: Record<string, unknown>[] } }>(
      `query($name: String!) { models(first: 1, filter: { nameContains: $name }) { nodes { id name versionCount archivedAt latestVersion {
        ${VERSION_FIELDS} metrics { key value step } datasets { role datasetVersion { ${DATASET_VERSION_FIELDS} dataset { ${DATASET_FIELDS} } } } } } } }`,
      { name: modelName });
    expect(one).toEqual(listed.models.nodes[0]);
    const latest = one.latestVersion as { id: string; datasets: { role: string; datasetVersion: { rowCount: number; schema: unknown } }[] };
    expect(latest.id).toBe(versionIds[2]);
    expect(latest.datasets.map((d) => d.role).sort()).toEqual(['TRAINING', 'VALIDATION']);
    expect(latest.datasets.find((d) => d.role === 'TRAINING')!.datasetVersion).toMatchObject({ rowCount: 12, schema: { columns: [{ name: 'a', type: 'int' }] } });
  });

  it('answers the same by id, and through a fragment', async () => {
    const byName = await t.ok(TYPICAL, { name: modelName });
    const id = (byName.model as { id: string }).id;
    const byId = await t.statements(TYPICAL.replace('$name: String!', '$id: ID!').replace('model(name: $name)', 'model(id: $id)'), { id });
    expect(byId.statements).toHaveLength(3);
    expect(byId.result.data).toEqual(byName);
    const fragment = await t.statements(`query($name: String!) { model(name: $name) { ...M } }
      fragment M on Model { id name versionCount archivedAt latestVersion { ...V } }
      fragment V on ModelVersion { ${VERSION_FIELDS} metrics { key value step } datasets { role datasetVersion { ... on DatasetVersion {
        ${DATASET_VERSION_FIELDS} dataset { ${DATASET_FIELDS} } } } } }`, { name: modelName });
    expect(fragment.statements).toHaveLength(3);
    expect(fragment.result.data).toEqual(byName);
  });

  it('a model without versions has no latest version; an unknown name is null', async () => {
    const empty = await t.statements(TYPICAL, { name: emptyName });
    expect(empty.statements).toHaveLength(1);
    expect(empty.result.data).toEqual({ model: expect.objectContaining({ name: emptyName, versionCount: 0, latestVersion: null }) });
    expect(await t.ok(TYPICAL, { name: unique('nobody') })).toEqual({ model: null });
  });

  it('a version without dataset links, and every version of the model, answer as the version lookups do', async () => {
    const VERSION = `query($id: ID!) { modelVersion(id: $id) { ${VERSION_FIELDS} datasets { role datasetVersion { ${DATASET_VERSION_FIELDS} } } } }`;
    const paged = await t.statements(`query($name: String!) { model(name: $name) { versions(first: 10) { nodes { ${VERSION_FIELDS}
      datasets { role datasetVersion { ${DATASET_VERSION_FIELDS} dataset { name } } } } } } }`, { name: modelName });
    // the model; the page of versions; their links with dataset versions and datasets
    expect(paged.statements).toHaveLength(3);
    const nodes = (paged.result.data as { model: { versions: { nodes: { id: string; datasets: { datasetVersion: { dataset: unknown } }[] }[] } } }).model.versions.nodes;
    expect(nodes.map((n) => n.id)).toEqual([...versionIds].reverse());
    for (const node of nodes) {
      const alone = await t.ok<{ modelVersion: unknown }>(VERSION, { id: node.id });
      const withoutDatasets = { ...node, datasets: node.datasets.map((d) => ({ ...d, datasetVersion: { ...d.datasetVersion, dataset: undefined } })) };
      expect(JSON.parse(JSON.stringify(withoutDatasets))).toEqual(alone.modelVersion);
    }
    expect(nodes[2].datasets).toEqual([]);
  });

  it('a dataset version\'s dataset answers the same read ahead (from the links\' rows) as through its own loader', async () => {
    const ahead = await t.ok<{ model: { latestVersion: { datasets: { datasetVersion: { id: string; dataset: Record<string, unknown> } }[] } } }>(TYPICAL, { name: modelName });
    const usages = ahead.model.latestVersion.datasets;
    expect(usages).toHaveLength(2);
    for (const { datasetVersion } of usages) {
      // Looked up alone, the dataset version's dataset comes from a statement of its own.
      const alone = await t.statements(`query($id: ID!) { datasetVersion(id: $id) { dataset { ${DATASET_FIELDS} } } }`, { id: datasetVersion.id });
      expect(alone.statements).toHaveLength(2);
      expect(alone.result.data).toEqual({ datasetVersion: { dataset: datasetVersion.dataset } });
    }
  });

  it('inside a mutation, the links read ahead see the transaction\'s own rows', async () => {
    const s = seed(t);
    const ds = await s.dataset(unique('ahead-tx'));
    const dv = await s.datasetVersion(ds.id);
    const model = await s.model(unique('ahead-tx'));
    const created = await t.ok<{ createModelVersion: { datasets: { role: string; datasetVersion: { id: string; dataset: { name: string } } }[] } }>(
      `mutation($i: CreateModelVersionInput!) { createModelVersion(input: $i) { datasets { role datasetVersion { id dataset { name } } } } }`,
      { i: { modelId: model.id, artifactUri: 's3://models/a', datasets: [{ datasetVersionId: dv.id, role: 'TEST' }] } });
    expect(created.createModelVersion.datasets).toEqual([{ role: 'TEST', datasetVersion: { id: dv.id, dataset: { name: ds.name } } }]);
  });
});
