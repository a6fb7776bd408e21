import type { EntityManager, ObjectLiteral } from 'typeorm';
import { ACTOR, GIT_REPO, insertDatasetVersions, insertModelVersions, insertRuns } from '../../bench/seed/bulk';
import { datasetVersionShape, modelVersionShape, runShape } from '../../bench/seed/shapes';
import { Metric } from '../../src/common/metrics';
import { Tag } from '../../src/common/tags';
import { DatasetVersion, DatasetVersionSource } from '../../src/dataset/dataset.entity';
import { StageTransition } from '../../src/lifecycle/stage-transition.entity';
import { LineageEdgeRow } from '../../src/lineage/lineage-edge.entity';
import { ModelVersion, ModelVersionDataset, DatasetRole } from '../../src/model-version/model-version.entity';
import { Model } from '../../src/model/model.entity';
import { Run, RunInput } from '../../src/run/run.entity';
import { TestApp } from '../support/app';

/**
 * The bench writes most of its graph with batched inserts (bench/seed/bulk.ts). Each batched entity must leave
 * exactly the rows the API leaves for the same input: entity row, lineage edges, link rows, metrics, tags,
 * stage history and the parent's counters. Ids and timestamps are normalized; everything else must match.
 */
const HEADERS = { 'x-actor': ACTOR };

async function rowsOf(em: EntityManager, id: string): Promise<unknown> {
  const clean = (rows: ObjectLiteral[]) => rows
    .map((row) => Object.fromEntries(Object.entries(row)
      // Labels and sequence numbers differ by construction (the batched row is the next one); so do row keys.
      .filter(([key]) => !['id', 'sequence', 'version'].includes(key))
      .map(([key, value]) => [key, value === id ? '<self>' : value instanceof Date ? 'date' : value])))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const entity = await em.findOneBy(ModelVersion, { id }) ?? await em.findOneBy(Run, { id }) ?? await em.findOneBy(DatasetVersion, { id });
  if (!entity) throw new Error(`no row ${id}`);
  return {
    entity: clean([entity]),
    edges: clean(await em.findBy(LineageEdgeRow, { toId: id })),
    trainedOn: clean(await em.findBy(ModelVersionDataset, { modelVersionId: id })),
    inputs: clean(await em.findBy(RunInput, { runId: id })),
    sources: clean(await em.findBy(DatasetVersionSource, { datasetVersionId: id })),
    metrics: clean(await em.findBy(Metric, { entityId: id })),
    tags: clean(await em.findBy(Tag, { entityId: id })),
    history: clean(await em.findBy(StageTransition, { versionId: id })),
  };
}

describe('bench seed: batched rows are the rows the API writes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  it('dataset versions, runs and model versions', async () => {
    const id = async (query: string, input: Record<string, unknown>) => Object.values(await t.ok<Record<string, { id: string }>>(query, { i: input }, HEADERS))[0].id;
    const experimentId = await id('mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id } }', { name: 'fidelity' });
    const datasetId = await id('mutation($i: CreateDatasetInput!) { createDataset(input: $i) { id } }', { name: 'fidelity' });
    const modelId = await id('mutation($i: RegisterModelInput!) { registerModel(input: $i) { id } }', { name: 'fidelity', versioningScheme: 'INTEGER' });

    // Dataset versions 1 (API) and 2 (API), then 3 (batched), each derived from the one before; 2 and 3 compared.
    const dsv = (v: number) => datasetVersionShape(0, v);
    const viaApi = async (v: number, sources: string[]) => id('mutation($i: CreateDatasetVersionInput!) { createDatasetVersion(input: $i) { id } }',
      { datasetId, uri: dsv(v).uri, digest: dsv(v).digest, rowCount: dsv(v).rowCount, schema: dsv(v).schema, derivedFromIds: sources.length ? sources : undefined });
    const first = await viaApi(0, []);
    const second = await viaApi(1, [first]);
    const [third] = await insertDatasetVersions(t.app, [{ datasetId, sequence: 3, ...dsv(1), sourceIds: [first] }]);
    expect(await rowsOf(t.app.db.manager, third)).toEqual(await rowsOf(t.app.db.manager, second));
    expect(await t.ok(`query($id: ID!) { dataset(id: $id) { versionCount } }`, { id: datasetId })).toEqual({ dataset: { versionCount: 3 } });

    // A finished run with inputs and loss points.
    const r = runShape(0, 0, 0);
    const run = { experimentId, name: r.name, params: r.params, gitRepo: GIT_REPO, gitCommit: r.gitCommit };
    const apiRun = await id('mutation($i: StartRunInput!) { startRun(input: $i) { id } }', { ...run, inputDatasetVersionIds: [first, second] });
    await t.ok('mutation($id: ID!, $m: [MetricInput!]!) { logRunMetrics(runId: $id, metrics: $m) { id } }', { id: apiRun, m: r.loss }, HEADERS);
    await t.ok('mutation($id: ID!) { finishRun(runId: $id, status: FINISHED) { id } }', { id: apiRun }, HEADERS);
    const [bulkRun] = await insertRuns(t.app, [{ ...run, inputIds: [first, second], metrics: r.loss }]);
    expect(await rowsOf(t.app.db.manager, bulkRun)).toEqual(await rowsOf(t.app.db.manager, apiRun));

    // Model versions 1 (API), 2 (API, parent 1) and 3 (batched, parent 1), produced by the run, trained on both inputs.
    const m = modelVersionShape(0, 0, 1);
    const datasets = [{ datasetVersionId: first, role: DatasetRole.TRAINING }, { datasetVersionId: second, role: DatasetRole.VALIDATION }];
    const version = { artifactUri: m.artifactUri, artifactDigest: m.artifactDigest, framework: m.framework, hyperparameters: m.hyperparameters, datasets, metrics: m.metrics, tags: m.tags };
    const createVersion = (parentVersionId?: string) => id('mutation($i: CreateModelVersionInput!) { createModelVersion(input: $i) { id } }',
      { modelId, runId: apiRun, parentVersionId, ...version });
    const v1 = await createVersion();
    const v2 = await createVersion(v1);
    const [v3] = await insertModelVersions(t.app, [{ modelId, sequence: 3, runId: apiRun, runParams: r.params, gitCommit: r.gitCommit, parentId: v1, ...version }]);
    expect(await rowsOf(t.app.db.manager, v3)).toEqual(await rowsOf(t.app.db.manager, v2));
    const model = await t.app.db.manager.findOneByOrFail(Model, { id: modelId });
    expect({ versionCount: model.versionCount, latestVersion: model.latestVersion }).toEqual({ versionCount: 3, latestVersion: '3' });
    // The next registration through the API continues the batched numbering.
    expect(await t.ok('mutation($i: CreateModelVersionInput!) { createModelVersion(input: $i) { version sequence } }',
      { i: { modelId, artifactUri: 's3://after/model.bin' } }, HEADERS)).toEqual({ createModelVersion: { version: '4', sequence: 4 } });
  });
});
