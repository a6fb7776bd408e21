import { randomBytes } from 'node:crypto';
import type { ExecutionResult } from 'graphql';
import type { EntityManager } from 'typeorm';
import type { RegistryApp } from '../../src/app';
import { newId } from '../../src/common/ids';
import { DatasetVersion } from '../../src/dataset/dataset.entity';
import { LineageEdgeRow, LineageRelation } from '../../src/lineage/lineage-edge.entity';
import { ModelVersion, Stage } from '../../src/model-version/model-version.entity';

/** One operation through the real GraphQL layer, in process; throws on any GraphQL error. */
export async function execute<T>(app: RegistryApp, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await app.apollo.executeOperation({ query, variables }, { contextValue: await app.context({ headers: { 'x-actor': 'bench' } }) });
  if (response.body.kind !== 'single') throw new Error('unexpected incremental delivery');
  const result = response.body.singleResult as ExecutionResult<T>;
  if (result.errors?.length) throw new Error(`GraphQL error: ${JSON.stringify(result.errors[0])}`);
  return result.data as T;
}

/** A wide dataset-version DAG: 1 root → `width` sources → `leaves` versions, each derived from two adjacent sources. */
export interface Dag {
  root: string;
  nodes: number;
  edges: number;
}

export interface LineageData {
  /** The 1,001 versions of the chain, oldest first: chain[i] is the parent of chain[i + 1]. */
  chain: string[];
  dag: Dag;
  smallDag: Dag;
  rows: number;
  ms: number;
}

const CHUNK = 500;

async function insertChunks<T extends object>(em: EntityManager, entity: new () => T, rows: Partial<T>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await em.insert(entity, rows.slice(i, i + CHUNK) as never);
}

const DIGEST = `sha256:${'0'.repeat(64)}`;

/**
 * The graph under test, written directly through TypeORM (the walk is measured, not registration): the
 * model and datasets are created through GraphQL so their rows are whatever the service writes, then the
 * versions and lineage edges are bulk-inserted in chunks, in one transaction per shape.
 */
export async function insertLineageData(app: RegistryApp, size: { chainDepth: number; dagWidth: number; dagNodes: number; smallDagWidth: number; smallDagNodes: number }): Promise<LineageData> {
  const started = performance.now();
  const suffix = randomBytes(3).toString('hex');
  const { registerModel: model } = await execute<{ registerModel: { id: string } }>(app,
    'mutation($i: RegisterModelInput!) { registerModel(input: $i) { id } }', { i: { name: `bench-lineage-chain-${suffix}`, versioningScheme: 'INTEGER' } });
  const dataset = async (name: string) => (await execute<{ createDataset: { id: string } }>(app,
    'mutation($i: CreateDatasetInput!) { createDataset(input: $i) { id } }', { i: { name: `${name}-${suffix}` } })).createDataset.id;
  const bigDataset = await dataset('bench-lineage-dag');
  const smallDataset = await dataset('bench-lineage-subdag');
  let rows = 0;

  // A parent chain of chainDepth + 1 versions of one model: chain[0] → chain[1] → … (parent_of).
  const at = new Date(Math.floor(Date.now()));
  const versions = Array.from({ length: size.chainDepth + 1 }, (_, i) => ({
    id: newId('ModelVersion'), modelId: model.id, version: String(i + 1), sequence: i + 1, stage: Stage.NONE,
    artifactUri: 's3://bench/model', createdBy: 'bench', createdAt: at, updatedAt: at, parentId: null as string | null,
  }));
  versions.forEach((v, i) => (v.parentId = i ? versions[i - 1].id : null));
  const chainEdges = versions.slice(1).map((v, i) => ({ fromId: versions[i].id, toId: v.id, relation: LineageRelation.PARENT_OF, sinceRevision: 0, role: null, createdAt: at }));
  await app.db.dataSource.transaction(async (em) => {
    await insertChunks(em, ModelVersion, versions);
    await insertChunks(em, LineageEdgeRow, chainEdges);
  });
  rows += versions.length + chainEdges.length;

  const dag = async (datasetId: string, width: number, total: number): Promise<Dag> => {
    const mk = (seq: number) => ({
      id: newId('DatasetVersion'), datasetId, version: String(seq), sequence: seq, uri: 's3://bench/data', digest: DIGEST,
      createdBy: 'bench', createdAt: at, updatedAt: at,
    });
    const root = mk(1);
    const layer1 = Array.from({ length: width }, (_, i) => mk(2 + i));
    const leaves = total - 1 - width;
    const perSource = Math.ceil(leaves / width);
    const layer2 = Array.from({ length: leaves }, (_, i) => mk(2 + width + i));
    // Leaf i derives from sources k and k + 1 (mod width), k = ⌊i / perSource⌋: every source pair is a diamond.
    const edges = [
      ...layer1.map((l) => ({ fromId: root.id, toId: l.id })),
      ...layer2.map((l, i) => ({ fromId: layer1[Math.floor(i / perSource)].id, toId: l.id })),
      ...layer2.map((l, i) => ({ fromId: layer1[(Math.floor(i / perSource) + 1) % width].id, toId: l.id })),
    ].map((e) => ({ ...e, relation: LineageRelation.DERIVED, sinceRevision: 0, role: null, createdAt: at }));
    await app.db.dataSource.transaction(async (em) => {
      await insertChunks(em, DatasetVersion, [root, ...layer1, ...layer2]);
      await insertChunks(em, LineageEdgeRow, edges);
    });
    rows += total + edges.length;
    return { root: root.id, nodes: total, edges: edges.length };
  };
  const big = await dag(bigDataset, size.dagWidth, size.dagNodes);
  const small = await dag(smallDataset, size.smallDagWidth, size.smallDagNodes);
  return { chain: versions.map((v) => v.id), dag: big, smallDag: small, rows, ms: performance.now() - started };
}
