import { createHash, randomBytes } from 'node:crypto';
import { gql, type Endpoint } from './graphql';

/** How much data to make; every count can be set from the environment (see run.ts). */
export interface SeedSize {
  models: number;
  versionsPerModel: number;
  runsPerModel: number;
  datasets: number;
  versionsPerDataset: number;
  experiments: number;
  /** Metric points of one long training run (logged 1,000 per call over LONG_RUN_KEYS keys); 0 for none. */
  metricPoints: number;
  /** Requests in flight at once (one model or dataset per worker, its writes in order). */
  concurrency: number;
}

export const DEFAULT_SEED_SIZE: SeedSize = {
  models: 50,
  versionsPerModel: 20,
  runsPerModel: 5,
  datasets: 20,
  versionsPerDataset: 5,
  experiments: 5,
  metricPoints: 60_000,
  concurrency: 8,
};

export interface SeededVersion {
  model: string;
  version: string;
}

export interface SeedResult {
  prefix: string;
  models: string[];
  versions: SeededVersion[];
  /** The run holding `metricPoints` points, if any. */
  longRunId: string | null;
  mutations: number;
  ms: number;
}

const CREATE_DATASET = `mutation($input: CreateDatasetInput!) { createDataset(input: $input) { id } }`;
const CREATE_DATASET_VERSION = `mutation($input: CreateDatasetVersionInput!) { createDatasetVersion(input: $input) { id } }`;
const CREATE_EXPERIMENT = `mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { id } }`;
const REGISTER_MODEL = `mutation($input: RegisterModelInput!) { registerModel(input: $input) { id name } }`;
const START_RUN = `mutation($input: StartRunInput!) { startRun(input: $input) { id } }`;
const LOG_RUN_METRICS = `mutation($runId: ID!, $metrics: [MetricInput!]!) { logRunMetrics(runId: $runId, metrics: $metrics) { id } }`;
const FINISH_RUN = `mutation($runId: ID!, $status: RunStatus!) { finishRun(runId: $runId, status: $status) { id } }`;
const CREATE_MODEL_VERSION = `mutation($input: CreateModelVersionInput!) { createModelVersion(input: $input) { id version } }`;

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const commitOf = (text: string) => createHash('sha1').update(text).digest('hex');

/** Deterministic pseudo-random numbers, so two seeds of the same size hold the same shapes. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
}

/** Runs `work` for every item with at most `limit` in flight; the first failure stops new work. */
async function forEach<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        await work(items[index], index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * Builds a registry through the public API: datasets with version chains (each derived from the previous),
 * experiments, and per model a few finished runs that read dataset versions and produce model versions
 * (each version trained on two dataset versions, with its predecessor as parent).
 */
export async function seed(endpoint: Endpoint, size: SeedSize, log: (line: string) => void = () => undefined): Promise<SeedResult> {
  const started = Date.now();
  const prefix = `bench-${randomBytes(3).toString('hex')}`;
  let mutations = 0;
  const call = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    mutations++;
    return gql<T>(endpoint, query, variables);
  };

  const datasetVersionIds: string[][] = range(size.datasets).map(() => []);
  await forEach(range(size.datasets), size.concurrency, async (d) => {
    const { createDataset } = await call<{ createDataset: { id: string } }>(CREATE_DATASET, {
      input: { name: `${prefix}-dataset-${d}`, description: `Benchmark dataset ${d}`, tags: [{ key: 'domain', value: `d${d % 4}` }] },
    });
    for (const v of range(size.versionsPerDataset)) {
      const uri = `s3://bench-data/${prefix}/dataset-${d}/v${v + 1}.parquet`;
      const previous = datasetVersionIds[d][v - 1];
      const { createDatasetVersion } = await call<{ createDatasetVersion: { id: string } }>(CREATE_DATASET_VERSION, {
        input: {
          datasetId: createDataset.id,
          uri,
          digest: sha256(uri),
          rowCount: 10_000 * (v + 1),
          schema: { columns: [{ name: 'feature_a', type: 'float' }, { name: 'label', type: 'int' }] },
          derivedFromIds: previous ? [previous] : undefined,
        },
      });
      datasetVersionIds[d].push(createDatasetVersion.id);
    }
  });
  const allDatasetVersions = datasetVersionIds.flat();
  log(`  ${size.datasets} datasets × ${size.versionsPerDataset} versions`);

  const experimentIds: string[] = [];
  for (const e of range(size.experiments)) {
    const { createExperiment } = await call<{ createExperiment: { id: string } }>(CREATE_EXPERIMENT, {
      input: { name: `${prefix}-experiment-${e}`, description: `Benchmark experiment ${e}` },
    });
    experimentIds.push(createExperiment.id);
  }
  log(`  ${size.experiments} experiments`);

  const models: string[] = range(size.models).map((m) => `${prefix}-model-${String(m).padStart(3, '0')}`);
  const versions: SeededVersion[] = [];
  let seeded = 0;
  await forEach(models, size.concurrency, async (name, m) => {
    const rand = random(m + 1);
    const pick = () => allDatasetVersions[Math.floor(rand() * allDatasetVersions.length)];
    await call(REGISTER_MODEL, {
      input: {
        name,
        description: `Benchmark model ${m}`,
        versioningScheme: m % 2 === 0 ? 'SEMVER' : 'INTEGER',
        tags: [{ key: 'team', value: `team-${m % 5}` }],
      },
    });
    const runs = Math.max(1, Math.min(size.runsPerModel, size.versionsPerModel));
    let parentId: string | undefined;
    for (const r of range(runs)) {
      const commit = commitOf(`${name}-${r}`);
      const inputs = allDatasetVersions.length ? [...new Set([pick(), pick()])] : [];
      const { startRun } = await call<{ startRun: { id: string } }>(START_RUN, {
        input: {
          experimentId: experimentIds.length ? experimentIds[m % experimentIds.length] : undefined,
          name: `${name}-run-${r}`,
          params: { learningRate: Number((rand() / 100).toFixed(5)), epochs: 10 + r, batchSize: 64 },
          gitRepo: 'https://git.example.com/ml/bench',
          gitCommit: commit,
          inputDatasetVersionIds: inputs,
        },
      });
      await call(LOG_RUN_METRICS, {
        runId: startRun.id,
        metrics: range(3).map((step) => ({ key: 'loss', value: Number((1 / (step + 2) + rand() / 10).toFixed(4)), step })),
      });
      await call(FINISH_RUN, { runId: startRun.id, status: 'FINISHED' });

      // Spread the model's versions over its runs: run r produces versions [from, to).
      const from = Math.floor((r * size.versionsPerModel) / runs);
      const to = Math.floor(((r + 1) * size.versionsPerModel) / runs);
      for (let v = from; v < to; v++) {
        const uri = `s3://bench-models/${name}/${v + 1}/model.bin`;
        const { createModelVersion } = await call<{ createModelVersion: { id: string; version: string } }>(CREATE_MODEL_VERSION, {
          input: {
            modelName: name,
            artifactUri: uri,
            artifactDigest: sha256(uri),
            framework: ['pytorch', 'sklearn', 'xgboost'][m % 3],
            hyperparameters: { learningRate: 0.001 * (v + 1), depth: 4 + (v % 4) },
            metrics: [
              { key: 'accuracy', value: Number((0.7 + rand() * 0.3).toFixed(4)) },
              { key: 'f1', value: Number((0.6 + rand() * 0.3).toFixed(4)) },
            ],
            datasets: inputs.map((datasetVersionId, i) => ({ datasetVersionId, role: i === 0 ? 'TRAINING' : 'VALIDATION' })),
            runId: startRun.id,
            parentVersionId: parentId,
            tags: [{ key: 'batch', value: String(v % 3) }],
          },
        });
        parentId = createModelVersion.id;
        versions.push({ model: name, version: createModelVersion.version });
      }
    }
    seeded++;
    if (seeded % 10 === 0 || seeded === models.length) log(`  ${seeded}/${models.length} models × ${size.versionsPerModel} versions`);
  });

  const longRunId = await seedLongRun(call, experimentIds[0], size.metricPoints);
  if (longRunId) log(`  1 run with ${size.metricPoints} metric points over ${LONG_RUN_KEYS.length} keys`);

  return { prefix, models, versions, longRunId, mutations, ms: Date.now() - started };
}

export const LONG_RUN_KEYS = ['loss', 'val_loss', 'accuracy', 'val_accuracy', 'lr', 'grad_norm'];

/** A long training run: `points` metric points, the keys interleaved step by step, 1,000 per call. */
async function seedLongRun(
  call: <T>(query: string, variables: Record<string, unknown>) => Promise<T>,
  experimentId: string | undefined,
  points: number,
): Promise<string | null> {
  if (!points || !experimentId) return null;
  const { startRun } = await call<{ startRun: { id: string } }>(START_RUN, { input: { experimentId, name: 'long-run' } });
  for (let from = 0; from < points; from += 1000) {
    const metrics = range(Math.min(1000, points - from)).map((i) => {
      const n = from + i;
      const step = Math.floor(n / LONG_RUN_KEYS.length);
      return { key: LONG_RUN_KEYS[n % LONG_RUN_KEYS.length], value: 1 / (step + 1), step };
    });
    await call(LOG_RUN_METRICS, { runId: startRun.id, metrics });
  }
  return startRun.id;
}
