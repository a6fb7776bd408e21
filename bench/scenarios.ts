import { sha256 } from './seed/shapes';
import type { SeededGraph } from './seed/graph';

/** One GraphQL operation with its variables. */
export interface Operation {
  query: string;
  variables: Record<string, unknown>;
}

export type Target = 'server' | 'bare' | 'peer';
export type Kind = 'read' | 'write' | 'mix' | 'reference';

export interface Scenario {
  name: string;
  description: string;
  kind: Kind;
  target: Target;
  connections: number;
  /** The operations cycled through, in order (each connection takes the next). */
  operations: () => Operation;
  /** Operations whose statements are captured in process: the statements/request, and the floor's replay. */
  captured: Operation[];
  /** Replay the captured statements through mysql2 at the same concurrency (the SQL floor). */
  floor?: boolean;
  /** The row this one is compared with (req/s ratio), other than its floor. */
  reference?: string;
}

export const TYPENAME = '{ __typename }';

export const TYPICAL = `query BenchTypicalRead($name: String!) {
  model(name: $name) { name latestVersion { version metrics { key value } datasets { datasetVersion { digest } } } }
}`;

export const NESTED = `query BenchNested {
  models(first: 20) { nodes { name versions(first: 10) { nodes { version metrics { key value }
    datasets { datasetVersion { digest dataset { name } } } } } } }
}`;

export const LINEAGE = `query BenchLineage($id: ID!, $direction: LineageDirection!, $maxDepth: Int!, $first: Int!) {
  lineage(id: $id, direction: $direction, maxDepth: $maxDepth, first: $first) {
    nodes { depth node { __typename ... on ModelVersion { id version } ... on DatasetVersion { id digest } } }
    edges { from to relation }
    truncated
  }
}`;

export const FILTER = `query BenchFilter($min: Float!) {
  modelVersions(filter: { metrics: [{ key: "accuracy", gte: $min }], tags: [{ key: "batch", value: "1" }] }, first: 20) {
    nodes { id version metrics { key value } }
  }
}`;

export const CREATE_VERSION = `mutation BenchCreateModelVersion($input: CreateModelVersionInput!) {
  createModelVersion(input: $input) { id version sequence }
}`;

function cycle(ops: Operation[]): () => Operation {
  let next = 0;
  return () => ops[next++ % ops.length];
}

/** createModelVersion inputs, round-robin over `models`; every call is a new artifact. */
function writes(models: string[]): () => Operation {
  let n = 0;
  return () => {
    const modelName = models[n % models.length];
    const artifactUri = `s3://bench-models/${modelName}/load-${n++}/model.bin`;
    return {
      query: CREATE_VERSION,
      variables: { input: { modelName, artifactUri, artifactDigest: sha256(artifactUri), framework: 'pytorch', metrics: [{ key: 'accuracy', value: 0.9 }] } },
    };
  };
}

export function lineageOp(id: string, direction: 'UPSTREAM' | 'BOTH', maxDepth: number, first: number): Operation {
  return { query: LINEAGE, variables: { id, direction, maxDepth, first } };
}

/** The root of the depth-25 BOTH walk: a version in the middle of model 0's parent chain. */
export const bothRoot = (g: SeededGraph) => g.models[0].versionIds[Math.floor(g.models[0].versionIds.length / 2)];

export function scenarios(g: SeededGraph, connections: number, peer: boolean): Scenario[] {
  const typical = g.models.slice(0, 50).map((m) => ({ query: TYPICAL, variables: { name: m.name } }));
  const nested = { query: NESTED, variables: {} };
  const both = lineageOp(bothRoot(g), 'BOTH', 25, 500);
  const deep = lineageOp(g.chain[g.chain.length - 1], 'UPSTREAM', 1000, 5000);
  const filters = [0.9, 0.95, 0.97, 0.99].map((min) => ({ query: FILTER, variables: { min } }));
  const hot = g.models.slice(0, 8).map((m) => m.name);
  const reads = [...typical.slice(0, 3), nested, both];
  const mixWrites = writes(g.models.map((m) => m.name));
  const mixReads = cycle(reads);
  let mixed = 0;
  const typename = { query: TYPENAME, variables: {} };
  const read = (name: string, description: string, ops: Operation[], extra: Partial<Scenario> = {}): Scenario => ({
    name, description, kind: 'read', target: 'server', connections, operations: cycle(ops), captured: ops, ...extra,
  });
  return [
    { ...read('bare-apollo', 'Apollo Server 5 standalone, trivial schema: { __typename }', [typename]), kind: 'reference', target: 'bare', captured: [] },
    read('typename', '{ __typename } through the whole registry stack', [typename], { reference: 'bare-apollo' }),
    read('typical-read', `model(name:) → latestVersion → metrics, datasets' digests (${typical.length} models)`, typical, { floor: true }),
    read('nested-list', 'models(first: 20) → versions(first: 10) → metrics, datasets → dataset', [nested], peer ? { reference: 'nested-peer' } : {}),
    ...(peer ? [{ ...read('nested-peer', 'the same shape on PostGraphile 4 over PostgreSQL', []), kind: 'reference' as const, target: 'peer' as const }] : []),
    read('filter', 'modelVersions(filter: accuracy ≥ x, tag batch=1, first: 20)', filters),
    read('lineage-25-both', 'lineage(BOTH, maxDepth 25, first 500) from a mid-chain version', [both], { floor: true }),
    read('lineage-1000-up', 'lineage(UPSTREAM, maxDepth 1000) from the tip of the 1,000-deep chain', [deep], { floor: true }),
    {
      name: 'create-version', description: `createModelVersion, 16 clients round-robin over ${hot.length} models (lock contention)`,
      kind: 'write', target: 'server', connections: 16, operations: writes(hot), captured: [writes(hot)()],
    },
    {
      name: 'mix-90-10', description: '90% reads (typical, nested, lineage) / 10% createModelVersion over all models',
      kind: 'mix', target: 'server', connections,
      operations: () => (mixed++ % 10 === 9 ? mixWrites() : mixReads()),
      // Statements/request weigh the reads 9 : 1 against the write (the last one).
      captured: [...reads, mixWrites()],
    },
  ];
}
