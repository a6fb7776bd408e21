import type { RegistryApp } from '../../src/app';
import { execute } from '../lineage/data';
import { GIT_REPO, insertDatasetVersions, insertModelVersions, insertRuns, PREVIOUS, type NewModelVersion } from './bulk';
import {
  CHAIN_MODEL, datasetName, datasetVersionShape, deploymentName, experimentName, modelName, modelVersionShape, roleOf, runShape,
} from './shapes';
import type { SeedSize } from './size';

export interface SeededGraph {
  /** Regular models, by index: id, name and version ids in sequence order. */
  models: { id: string; name: string; versionIds: string[] }[];
  /** The parent chain, oldest first: chain[chain.length - 1] is the deepest version. */
  chain: string[];
  datasetVersionIds: string[];
  deploymentIds: string[];
  /** Entities created through the GraphQL API (the rest were batch-inserted). */
  throughApi: number;
  ms: number;
}

/** Runs `work` over `items` with at most `limit` in flight; the first failure rejects. */
export async function forEachLimit<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** How many of each per-parent kind go through the API before the batched inserts take over. */
const API_HEAD = 2;

/**
 * Seeds the graph into the database of an in-process registry. Aggregates (experiments, models, datasets) and
 * deployments, plus the first versions/runs of the first parent of each kind, go through GraphQL so their ids,
 * validation and side rows are real; the remaining versions and runs are batch-inserted with the services'
 * own row helpers (bulk.ts).
 */
export async function seedGraph(app: RegistryApp, size: SeedSize, log: (line: string) => void): Promise<SeededGraph> {
  const started = performance.now();
  let throughApi = 0;
  const api = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    throughApi++;
    return execute<T>(app, query, variables);
  };
  const created = async (query: string, field: string, input: Record<string, unknown>): Promise<string> =>
    (await api<Record<string, { id: string }>>(query, { i: input }))[field].id;

  const experiments: string[] = [];
  const datasets: string[] = [];
  const models: SeededGraph['models'] = [];
  await forEachLimit(range(size.experiments), 4, async (e) => {
    experiments[e] = await created('mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { id } }', 'createExperiment',
      { name: experimentName(e), description: `Benchmark experiment ${e}`, tags: [{ key: 'team', value: `team-${e % 5}` }] });
  });
  await forEachLimit(range(size.datasets), 4, async (d) => {
    datasets[d] = await created('mutation($i: CreateDatasetInput!) { createDataset(input: $i) { id } }', 'createDataset',
      { name: datasetName(d), description: `Benchmark dataset ${d}`, tags: [{ key: 'domain', value: `d${d % 4}` }] });
  });
  const registerModel = (name: string, m: number) => created('mutation($i: RegisterModelInput!) { registerModel(input: $i) { id } }', 'registerModel',
    { name, description: `Benchmark model ${m}`, versioningScheme: 'INTEGER', tags: [{ key: 'team', value: `team-${m % 5}` }] });
  await forEachLimit(range(size.models), 4, async (m) => {
    models[m] = { id: await registerModel(modelName(m), m), name: modelName(m), versionIds: [] };
  });
  const chainModel = await registerModel(CHAIN_MODEL, size.models);
  log(`  ${size.experiments} experiments, ${size.datasets} datasets, ${size.models + 1} models (API)`);

  // Dataset versions, one round per version number (a version's sources are from the round before).
  const dsv: string[][] = range(size.datasets).map(() => []);
  for (const v of range(size.versionsPerDataset)) {
    const items = range(size.datasets).map((d) => {
      const s = datasetVersionShape(d, v);
      return { d, datasetId: datasets[d], sequence: v + 1, ...s, sourceIds: s.sources.map((x) => dsv[x.dataset][x.version]) };
    });
    const viaApi = v < API_HEAD ? items.slice(0, 1) : [];
    for (const i of viaApi) {
      dsv[i.d][v] = await created('mutation($i: CreateDatasetVersionInput!) { createDatasetVersion(input: $i) { id } }', 'createDatasetVersion',
        { datasetId: i.datasetId, uri: i.uri, digest: i.digest, rowCount: i.rowCount, schema: i.schema, derivedFromIds: i.sourceIds.length ? i.sourceIds : undefined });
    }
    const rest = items.slice(viaApi.length);
    (await insertDatasetVersions(app, rest)).forEach((id, n) => (dsv[rest[n].d][v] = id));
  }
  const datasetVersionIds = dsv.flat();
  log(`  ${datasetVersionIds.length} dataset versions`);

  // Runs: the first ones of experiment 0 through startRun / logRunMetrics / finishRun, the rest in batches.
  const runShapes = experiments.flatMap((experimentId, e) => range(size.runsPerExperiment).map((r) => ({ experimentId, ...runShape(e, r, datasetVersionIds.length) })));
  const runIds: string[] = [];
  for (const s of runShapes.slice(0, API_HEAD)) {
    const id = await created('mutation($i: StartRunInput!) { startRun(input: $i) { id } }', 'startRun', {
      experimentId: s.experimentId, name: s.name, params: s.params, gitRepo: GIT_REPO, gitCommit: s.gitCommit,
      inputDatasetVersionIds: s.inputs.map((i) => datasetVersionIds[i]),
    });
    await api('mutation($id: ID!, $m: [MetricInput!]!) { logRunMetrics(runId: $id, metrics: $m) { id } }', { id, m: s.loss });
    await api('mutation($id: ID!) { finishRun(runId: $id, status: FINISHED) { id } }', { id });
    runIds.push(id);
  }
  const runRows = runShapes.slice(API_HEAD).map((s) => ({
    experimentId: s.experimentId, name: s.name, params: s.params, gitRepo: GIT_REPO, gitCommit: s.gitCommit,
    inputIds: s.inputs.map((i) => datasetVersionIds[i]), metrics: s.loss,
  }));
  for (let i = 0; i < runRows.length; i += 1000) runIds.push(...(await insertRuns(app, runRows.slice(i, i + 1000))));
  log(`  ${runIds.length} runs`);

  // Model versions: each model's parent chain, its versions produced by runs and trained on their inputs.
  const versionOf = (m: number, v: number): NewModelVersion => {
    const s = modelVersionShape(m, v, runIds.length);
    const run = runShapes[s.run];
    return {
      modelId: models[m].id, sequence: v + 1, artifactUri: s.artifactUri, artifactDigest: s.artifactDigest, framework: s.framework,
      hyperparameters: s.hyperparameters, runId: runIds[s.run], runParams: run.params, gitCommit: run.gitCommit, parentId: models[m].versionIds[v - 1] ?? null,
      datasets: run.inputs.map((i, n) => ({ datasetVersionId: datasetVersionIds[i], role: roleOf(n) })), metrics: s.metrics, tags: s.tags,
    };
  };
  for (const v of range(Math.min(API_HEAD, size.versionsPerModel))) {
    const i = versionOf(0, v);
    models[0].versionIds.push(await created('mutation($i: CreateModelVersionInput!) { createModelVersion(input: $i) { id } }', 'createModelVersion', {
      modelId: i.modelId, artifactUri: i.artifactUri, artifactDigest: i.artifactDigest, framework: i.framework, hyperparameters: i.hyperparameters,
      runId: i.runId, parentVersionId: i.parentId, datasets: i.datasets, metrics: i.metrics, tags: i.tags,
    }));
  }
  // Four writers, each over its own models, one transaction per version number.
  await forEachLimit(range(4), 4, async (w) => {
    const mine = range(size.models).filter((m) => m % 4 === w);
    for (const v of range(size.versionsPerModel)) {
      const todo = mine.filter((m) => models[m].versionIds.length === v);
      const ids = await insertModelVersions(app, todo.map((m) => versionOf(m, v)));
      ids.forEach((id, n) => models[todo[n]].versionIds.push(id));
    }
  });
  const chain: string[] = [];
  for (let from = 0; from <= size.chainDepth; from += 500) {
    const items = range(Math.min(500, size.chainDepth + 1 - from)).map((k): NewModelVersion => {
      const uri = `s3://bench-models/${CHAIN_MODEL}/${from + k + 1}/model.bin`;
      return {
        modelId: chainModel, sequence: from + k + 1, artifactUri: uri, artifactDigest: null, framework: 'pytorch', hyperparameters: null,
        runId: null, runParams: null, gitCommit: null, parentId: k ? PREVIOUS : (chain[from - 1] ?? null), datasets: [],
        metrics: [{ key: 'accuracy', value: 0.5 + (from + k) / (4 * (size.chainDepth + 1)) }], tags: [],
      };
    });
    chain.push(...(await insertModelVersions(app, items)));
  }
  log(`  ${size.models * size.versionsPerModel} model versions and a ${size.chainDepth}-deep parent chain`);

  // Deployments through the API: most serve their model's latest version, every fourth splits 90/10 with the one before.
  const deploymentIds: string[] = [];
  await forEachLimit(range(size.deployments), 4, async (i) => {
    const model = models[i % models.length];
    const id = await created('mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id } }', 'createDeployment',
      { name: deploymentName(i), modelId: model.id, environment: ['production', 'staging', 'eu-west'][i % 3] });
    const latest = model.versionIds.length - 1 - (Math.floor(i / models.length) % model.versionIds.length);
    const traffic = i % 4 === 3 && latest > 0
      ? [{ versionId: model.versionIds[latest], percent: 90 }, { versionId: model.versionIds[latest - 1], percent: 10 }]
      : [{ versionId: model.versionIds[latest], percent: 100 }];
    await api('mutation($id: ID!, $t: [TrafficInput!]!) { deploy(deploymentId: $id, traffic: $t) { id } }', { id, t: traffic });
    deploymentIds[i] = id;
  });
  log(`  ${size.deployments} deployments (API)`);
  return { models, chain, datasetVersionIds, deploymentIds, throughApi, ms: performance.now() - started };
}
