import { createHash } from 'node:crypto';
import type autocannon from 'autocannon';
import type { SeedResult } from './seed';

export interface Scenario {
  name: string;
  description: string;
  /** The requests autocannon cycles through (dynamic bodies via setupRequest). */
  requests: autocannon.Request[];
  /** One representative request body, sent once before the load to fail fast on a broken operation. */
  sample: { query: string; variables: Record<string, unknown> };
}

const body = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });

/** (a) Three levels of lists: 20 models × 10 versions × (run + datasets) — the DataLoader path. */
const NESTED_QUERY = `query BenchNestedModels {
  models(first: 20) {
    nodes {
      name
      versions(first: 10) {
        nodes {
          version
          stage
          run { id name }
          datasets { role datasetVersion { uri digest } }
        }
      }
    }
  }
}`;

/** (b) One version by model name and label, with its lineage neighbours. */
const LOOKUP_QUERY = `query BenchModelVersion($model: String!, $version: String!) {
  modelVersion(model: $model, version: $version) {
    id
    version
    stage
    artifactUri
    artifactDigest
    metrics { key value }
    run { id name status }
    datasets { role datasetVersion { uri digest } }
  }
}`;

/** (c) Registration writes, spread over every seeded model (each write takes its model's next version). */
const WRITE_MUTATION = `mutation BenchCreateModelVersion($input: CreateModelVersionInput!) {
  createModelVersion(input: $input) { id version }
}`;

function nested(): Scenario {
  return {
    name: 'nested-list',
    description: 'models(first: 20) → versions(first: 10) → run, datasets',
    requests: [{ body: body(NESTED_QUERY) }],
    sample: { query: NESTED_QUERY, variables: {} },
  };
}

function lookup(seeded: SeedResult): Scenario {
  const bodies = seeded.versions.map(({ model, version }) => body(LOOKUP_QUERY, { model, version }));
  let next = 0;
  return {
    name: 'point-lookup',
    description: `modelVersion(model:, version:) over ${bodies.length} versions`,
    requests: [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) }],
    sample: { query: LOOKUP_QUERY, variables: { ...seeded.versions[0] } },
  };
}

function write(seeded: SeedResult): Scenario {
  let next = 0;
  const input = (n: number, label = `load-${n}`) => {
    const modelName = seeded.models[n % seeded.models.length];
    const artifactUri = `s3://bench-models/${modelName}/${label}/model.bin`;
    return {
      modelName,
      artifactUri,
      artifactDigest: `sha256:${createHash('sha256').update(artifactUri).digest('hex')}`,
      framework: 'pytorch',
      metrics: [{ key: 'accuracy', value: 0.9 }],
    };
  };
  return {
    name: 'create-version',
    description: `createModelVersion round-robin over ${seeded.models.length} models`,
    requests: [{ setupRequest: (request) => ({ ...request, body: body(WRITE_MUTATION, { input: input(next++) }) }) }],
    sample: { query: WRITE_MUTATION, variables: { input: input(0, 'preflight') } },
  };
}

/** (d) The latest value of each key of a run with many points (computed by the database), and (e) the tail of one key. */
const RUN_METRICS_QUERY = `query BenchRunMetrics($id: ID!) { run(id: $id) { name metrics { key value step } } }`;
const METRIC_TAIL_QUERY = `query BenchMetricTail($id: ID!) {
  run(id: $id) { metricHistory(key: "loss", last: 100) { totalCount nodes { value step } pageInfo { hasPreviousPage startCursor } } }
}`;

function longRun(runId: string): Scenario[] {
  return [
    { name: 'run-metrics', description: 'Run.metrics (latest per key) of the run with the most points', query: RUN_METRICS_QUERY },
    { name: 'metric-history', description: 'Run.metricHistory(key, last: 100) of that run, with totalCount', query: METRIC_TAIL_QUERY },
  ].map(({ name, description, query }) => ({
    name, description, requests: [{ body: body(query, { id: runId }) }], sample: { query, variables: { id: runId } },
  }));
}

export function scenarios(seeded: SeedResult): Scenario[] {
  return [
    nested(),
    ...(seeded.versions.length ? [lookup(seeded)] : []),
    ...(seeded.models.length ? [write(seeded)] : []),
    ...(seeded.longRunId ? longRun(seeded.longRunId) : []),
  ];
}
