import type { EntityManager } from 'typeorm';
import { DatasetVersionSource } from '../dataset/dataset.entity';
import { TrafficRow } from '../deployment/deployment-revision.entity';
import { ModelVersionDataset, type DatasetRole } from '../model-version/model-version.entity';
import { RunInput } from '../run/run.entity';
import { LineageEdgeRow, LineageRelation } from './lineage-edge.entity';
import { recordServing, type RevisionStamp } from './serving';

/**
 * The one writer of lineage links. Each link is stored twice, in the caller's transaction: as the typed row
 * (a foreign-key column of the new entity, or a row of a link table) that loaders and integrity rely on, and
 * as its `lineage_edge` that the recursive walks read. Services call these functions instead of writing
 * either half themselves, so the two never disagree.
 *
 * Links held by a column (experiment → run, model → version, run → version, parent → child,
 * dataset → version) are written by the entity's own insert; the functions here derive their edges from
 * those columns. Edges are stamped with the entity's creation time, so an edge exists exactly when its
 * entity does (lineage asOf is inclusive).
 */

interface Edge {
  from: string;
  relation: LineageRelation;
  role?: string | null;
}

async function insertEdges(em: EntityManager, to: string, at: Date, edges: Edge[]): Promise<void> {
  await em.insert(LineageEdgeRow, edges.map((e) => ({
    fromId: e.from, toId: to, relation: e.relation, sinceRevision: 0, role: e.role ?? null, createdAt: at, endedAt: null,
  })));
}

/** A new run: its experiment CONTAINS it (run.experiment_id); each input is CONSUMED by it (run_input). */
export async function linkRun(em: EntityManager, run: { id: string; experimentId: string; createdAt: Date }, inputIds: string[]): Promise<void> {
  if (inputIds.length) await em.insert(RunInput, inputIds.map((datasetVersionId) => ({ runId: run.id, datasetVersionId })));
  await insertEdges(em, run.id, run.createdAt, [
    { from: run.experimentId, relation: LineageRelation.CONTAINS },
    ...inputIds.map((from) => ({ from, relation: LineageRelation.CONSUMED })),
  ]);
}

export interface ModelVersionLinks {
  id: string;
  modelId: string;
  runId: string | null;
  parentId: string | null;
  createdAt: Date;
}

/**
 * A new model version: its model CONTAINS it, its run PRODUCED it, its parent is PARENT_OF it (all columns of
 * model_version), and it was TRAINED_ON each dataset version in the role given (model_version_dataset).
 */
export async function linkModelVersion(em: EntityManager, version: ModelVersionLinks, datasets: { datasetVersionId: string; role: DatasetRole }[]): Promise<void> {
  if (datasets.length) {
    await em.insert(ModelVersionDataset, datasets.map((d) => ({ modelVersionId: version.id, datasetVersionId: d.datasetVersionId, role: d.role })));
  }
  await insertEdges(em, version.id, version.createdAt, [
    { from: version.modelId, relation: LineageRelation.CONTAINS },
    ...(version.runId ? [{ from: version.runId, relation: LineageRelation.PRODUCED }] : []),
    ...(version.parentId ? [{ from: version.parentId, relation: LineageRelation.PARENT_OF }] : []),
    ...datasets.map((d) => ({ from: d.datasetVersionId, relation: LineageRelation.TRAINED_ON, role: d.role })),
  ]);
}

/** A new dataset version: its dataset CONTAINS it (dataset_version.dataset_id); each source is DERIVED into it. */
export async function linkDatasetVersion(em: EntityManager, version: { id: string; datasetId: string; createdAt: Date }, sourceIds: string[]): Promise<void> {
  if (sourceIds.length) await em.insert(DatasetVersionSource, sourceIds.map((sourceId) => ({ datasetVersionId: version.id, sourceId })));
  await insertEdges(em, version.id, version.createdAt, [
    { from: version.datasetId, relation: LineageRelation.CONTAINS },
    ...sourceIds.map((from) => ({ from, relation: LineageRelation.DERIVED })),
  ]);
}

/**
 * A deployment revision's traffic (deployment_traffic rows, the revision row already written) and the
 * SERVED intervals it opens and closes.
 */
export async function linkTraffic(em: EntityManager, deploymentId: string, stamp: RevisionStamp,
  traffic: { versionId: string; percent: number }[]): Promise<void> {
  if (traffic.length) {
    await em.insert(TrafficRow, traffic.map((t) => ({ deploymentId, revision: stamp.revision, versionId: t.versionId, percent: t.percent })));
  }
  await recordServing(em, deploymentId, stamp, traffic.map((t) => t.versionId));
}
