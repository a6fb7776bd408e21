import { createHash } from 'node:crypto';
import { DatasetRole } from '../../src/model-version/model-version.entity';

/**
 * The seeded graph, item by item, from a fixed-seed PRNG: the same size always yields the same names,
 * links, metrics and tags (only ids and timestamps differ between runs). Both writers — the API for the
 * first items of each kind, batched inserts for the rest — take their input from here.
 */
export const SEED = 20_261_201;

/** xorshift32: deterministic, fast, good enough to spread links. */
export function prng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
}

export const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const commitOf = (text: string) => createHash('sha1').update(text).digest('hex');
const pad = (n: number, width = 4) => String(n).padStart(width, '0');

export const modelName = (m: number) => `model-${pad(m)}`;
export const CHAIN_MODEL = 'lineage-chain';
export const experimentName = (e: number) => `experiment-${pad(e)}`;
export const datasetName = (d: number) => `dataset-${pad(d)}`;
export const deploymentName = (i: number) => `deployment-${pad(i)}`;

export interface DatasetVersionShape {
  uri: string;
  digest: string;
  rowCount: number;
  schema: { columns: { name: string; type: string }[] };
  /** Derived from the previous version of the same dataset, and every fifth also from the neighbour dataset. */
  sources: { dataset: number; version: number }[];
}

export function datasetVersionShape(d: number, v: number): DatasetVersionShape {
  const uri = `s3://bench-data/${datasetName(d)}/v${v + 1}.parquet`;
  const sources = v === 0 ? [] : [{ dataset: d, version: v - 1 }];
  if (v > 0 && v % 5 === 0 && d > 0) sources.push({ dataset: d - 1, version: v - 1 });
  return {
    uri, digest: sha256(uri), rowCount: 10_000 * (v + 1),
    schema: { columns: [{ name: 'feature_a', type: 'float' }, { name: 'feature_b', type: 'float' }, { name: 'label', type: 'int' }] },
    sources,
  };
}

export interface RunShape {
  name: string;
  params: { learningRate: number; epochs: number; batchSize: number };
  gitCommit: string;
  /** Indexes into the flat list of dataset versions. */
  inputs: number[];
  loss: { key: string; value: number; step: number }[];
}

export function runShape(e: number, r: number, datasetVersions: number): RunShape {
  const rand = prng(SEED + e * 1009 + r);
  const pick = () => Math.floor(rand() * datasetVersions);
  const inputs = datasetVersions ? [...new Set([pick(), pick()])] : [];
  return {
    name: `${experimentName(e)}-run-${pad(r, 3)}`,
    params: { learningRate: Number((rand() / 100).toFixed(5)), epochs: 10 + (r % 20), batchSize: 64 },
    gitCommit: commitOf(`${e}-${r}`),
    inputs,
    loss: [0, 1, 2].map((step) => ({ key: 'loss', value: Number((1 / (step + 2) + rand() / 10).toFixed(4)), step })),
  };
}

export interface ModelVersionShape {
  artifactUri: string;
  artifactDigest: string;
  framework: string;
  hyperparameters: { learningRate: number; depth: number };
  metrics: { key: string; value: number }[];
  tags: { key: string; value: string }[];
  /** Index into the flat list of runs; the version is trained on that run's inputs. */
  run: number;
}

export function modelVersionShape(m: number, v: number, runs: number): ModelVersionShape {
  const rand = prng(SEED * 7 + m * 7919 + v);
  const uri = `s3://bench-models/${modelName(m)}/${v + 1}/model.bin`;
  return {
    artifactUri: uri,
    artifactDigest: sha256(uri),
    framework: ['pytorch', 'sklearn', 'xgboost'][m % 3],
    hyperparameters: { learningRate: Number((0.001 * (1 + (v % 10))).toFixed(4)), depth: 4 + (v % 4) },
    metrics: [
      { key: 'accuracy', value: Number((0.7 + rand() * 0.3).toFixed(4)) },
      { key: 'f1', value: Number((0.6 + rand() * 0.3).toFixed(4)) },
    ],
    tags: [{ key: 'batch', value: String(v % 3) }],
    run: Math.floor(rand() * runs),
  };
}

export const roleOf = (i: number) => (i === 0 ? DatasetRole.TRAINING : DatasetRole.VALIDATION);
