/**
 * `npm run seed`: a small, realistic demo graph loaded through the API (MODELGRAPH_URL, MODELGRAPH_TOKEN):
 * an experiment with runs, datasets with derivations, a model in each versioning scheme with several
 * versions, stages and aliases, and a deployment with a canary. Running it again changes nothing.
 */
import {
  CreateDatasetDocument,
  CreateModelVersionDocument,
  CreateDatasetVersionDocument,
  CreateDeploymentDocument,
  CreateExperimentDocument,
  FinishRunDocument,
  LogRunMetricsDocument,
  ModelRefDocument,
  RegisterModelDocument,
  StartRunDocument,
  createClient,
  type Client,
  type VersioningScheme,
} from './index';

const digest = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;

/** The seeded names, for tests and docs. */
export const DEMO = {
  experiment: 'fraud-training',
  models: { integer: 'fraud-detector', semver: 'churn-model', timestamp: 'demand-forecast' },
  datasets: { raw: 'transactions-raw', features: 'transactions-features' },
  deployment: 'fraud-api',
} as const;

const signature = (inputs: string[], output = 'score') => ({
  inputs: { columns: inputs.map((name) => ({ name, type: name === 'merchant' ? 'string' : 'double' })) },
  outputs: { columns: [{ name: output, type: 'double' }] },
});

export interface SeedResult {
  seeded: boolean;
  ids: Record<string, string>;
}

export async function seedDemo(client: Client): Promise<SeedResult> {
  const raw = client.raw;
  if ((await raw.request(ModelRefDocument, { name: DEMO.models.integer })).model) return { seeded: false, ids: {} };
  const ids: Record<string, string> = {};

  // Data: two raw snapshots, each with a feature table derived from it.
  const rawSet = (await raw.request(CreateDatasetDocument, { input: { name: DEMO.datasets.raw, description: 'Card transactions, daily export' } })).createDataset;
  const features = (await raw.request(CreateDatasetDocument, { input: { name: DEMO.datasets.features, description: 'Per-transaction features' } })).createDataset;
  const dataVersion = async (datasetId: string, n: number, uri: string, rowCount: number, derivedFromIds?: string[]) =>
    (await raw.request(CreateDatasetVersionDocument, { input: { datasetId, uri, digest: digest(n), rowCount, derivedFromIds } })).createDatasetVersion;
  const raw1 = await dataVersion(rawSet.id, 1, 's3://demo-data/transactions/2026-10-01.parquet', 1_200_000);
  const raw2 = await dataVersion(rawSet.id, 2, 's3://demo-data/transactions/2026-11-01.parquet', 1_350_000);
  const feat1 = await dataVersion(features.id, 3, 's3://demo-data/features/2026-10-01.parquet', 1_198_000, [raw1.id]);
  const feat2 = await dataVersion(features.id, 4, 's3://demo-data/features/2026-11-01.parquet', 1_347_500, [raw2.id]);
  Object.assign(ids, { raw1: raw1.id, raw2: raw2.id, feat1: feat1.id, feat2: feat2.id });

  // Training: one experiment, three finished runs.
  const experiment = (await raw.request(CreateExperimentDocument, { input: { name: DEMO.experiment, description: 'Gradient-boosted fraud scoring' } })).createExperiment;
  const runs: string[] = [];
  const trainings = [
    { name: 'baseline', params: { max_depth: 6, learning_rate: 0.1 }, data: feat1.id, auc: 0.912, logloss: 0.231 },
    { name: 'deeper-trees', params: { max_depth: 8, learning_rate: 0.1 }, data: feat1.id, auc: 0.927, logloss: 0.214 },
    { name: 'november-data', params: { max_depth: 8, learning_rate: 0.05 }, data: feat2.id, auc: 0.934, logloss: 0.205 },
  ];
  for (const t of trainings) {
    const run = (await raw.request(StartRunDocument, {
      input: { experimentId: experiment.id, name: t.name, params: t.params, inputDatasetVersionIds: [t.data], gitRepo: 'https://git.example.com/fraud', gitCommit: 'a1b2c3d' },
    })).startRun;
    await raw.request(LogRunMetricsDocument, { runId: run.id, metrics: [0, 1, 2].map((step) => ({ key: 'auc', value: t.auc - 0.02 * (2 - step), step })) });
    await raw.request(FinishRunDocument, { runId: run.id, status: 'FINISHED' });
    runs.push(run.id);
  }

  const model = async (name: string, versioningScheme: VersioningScheme, description: string) =>
    (await raw.request(RegisterModelDocument, { input: { name, versioningScheme, description } })).registerModel;

  // INTEGER: 1 archived, 2 in production (champion), 3 in staging (challenger).
  await model(DEMO.models.integer, 'INTEGER', 'Scores card transactions for fraud');
  const fraud = [];
  for (const [i, t] of trainings.entries()) {
    fraud.push(await client.register(DEMO.models.integer, {
      artifactUri: `s3://demo-models/fraud-detector/${i + 1}/model.onnx`, artifactDigest: digest(100 + i), runId: runs[i],
      datasets: [{ datasetVersionId: t.data, role: 'TRAINING' }], metrics: { auc: t.auc, logloss: t.logloss },
    }));
  }
  await client.promote(DEMO.models.integer, '1', 'PRODUCTION');
  await client.promote(DEMO.models.integer, '2', 'PRODUCTION');
  await client.promote(DEMO.models.integer, '3', 'STAGING');
  await client.setAlias(DEMO.models.integer, 'champion', '2');
  await client.setAlias(DEMO.models.integer, 'challenger', '3');
  fraud.forEach((v, i) => (ids[`fraud${i + 1}`] = v.id));

  // SEMVER: 1.0.0 → 1.1.0 (added input) → 2.0.0 (retyped input: breaking).
  await model(DEMO.models.semver, 'SEMVER', 'Predicts subscription churn within 30 days');
  const churnSignatures = [signature(['tenure', 'spend']), signature(['tenure', 'spend', 'merchant']), signature(['tenure', 'merchant'])];
  const bumps = [undefined, 'MINOR', 'MAJOR'] as const;
  for (const [i, sig] of churnSignatures.entries()) {
    const { createModelVersion } = await raw.request(CreateModelVersionDocument, {
      input: {
        modelName: DEMO.models.semver, artifactUri: `s3://demo-models/churn/${i}/model.pkl`, artifactDigest: digest(200 + i),
        bump: bumps[i], signature: sig, hyperparameters: { C: 1 / (i + 1), penalty: 'l2' },
        metrics: [{ key: 'f1', value: 0.71 + 0.03 * i }], framework: 'sklearn',
      },
    });
    ids[`churn${i + 1}`] = createModelVersion.id;
  }
  await client.promote(DEMO.models.semver, '1.1.0', 'PRODUCTION');

  // TIMESTAMP: two weekly retrains.
  await model(DEMO.models.timestamp, 'TIMESTAMP', 'Daily demand per store');
  for (const [i, label] of ['2026.11.02.060000', '2026.11.09.060000'].entries()) {
    const v = await client.register(DEMO.models.timestamp, {
      artifactUri: `s3://demo-models/demand/${label}/model.pt`, artifactDigest: digest(300 + i), version: label, metrics: { rmse: 12.4 - i },
    });
    ids[`demand${i + 1}`] = v.id;
  }
  await client.promote(DEMO.models.timestamp, '2026.11.09.060000', 'PRODUCTION');

  // Serving: version 2 at full traffic, then a 10% canary of version 3.
  const modelId = (await raw.request(ModelRefDocument, { name: DEMO.models.integer })).model?.id ?? '';
  const deployment = (await raw.request(CreateDeploymentDocument, {
    input: { name: DEMO.deployment, modelId, environment: 'production', endpointUrl: 'https://fraud.example.com/score' },
  })).createDeployment;
  ids.deployment = deployment.id;
  await client.deploy(DEMO.deployment, { 2: 100 });
  await client.deploy(DEMO.deployment, { 2: 90, 3: 10 }, { comment: 'canary' });
  return { seeded: true, ids };
}

if (require.main === module) {
  const url = process.env.MODELGRAPH_URL || 'http://127.0.0.1:4000/graphql';
  seedDemo(createClient({ url, token: process.env.MODELGRAPH_TOKEN || undefined })).then(
    (result) => {
      process.stdout.write(result.seeded ? `seeded the demo graph at ${url}\n` : `${url} already has the demo graph (model ${DEMO.models.integer})\n`);
    },
    (error: unknown) => {
      process.stderr.write(`seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
