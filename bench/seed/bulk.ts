import type { EntityManager } from 'typeorm';
import type { RegistryApp } from '../../src/app';
import { now } from '../../src/common/base.entity';
import { newId } from '../../src/common/ids';
import { insertMetrics } from '../../src/common/metrics';
import { insertTags } from '../../src/common/tags';
import { Dataset, DatasetVersion } from '../../src/dataset/dataset.entity';
import { recordTransition, TransitionKind } from '../../src/lifecycle/stage-history';
import { linkDatasetVersion, linkModelVersion, linkRun } from '../../src/lineage/links';
import { ModelVersion, Stage, type DatasetRole } from '../../src/model-version/model-version.entity';
import { effectiveHyperparametersOf } from '../../src/model-version/hyperparameters';
import { Model } from '../../src/model/model.entity';
import { Run, RunStatus } from '../../src/run/run.entity';

/**
 * Batched writers for the bulk of the seed. Each writes the rows the matching service writes (entity row,
 * then the same `links.ts`, metric, tag and stage-history helpers the services call), many entities per
 * transaction and one multi-row INSERT per table where the services write one row, without the per-call
 * lock, lookup and idempotency steps that only matter for concurrent clients.
 */
/** The X-Actor the bench's API calls send. */
export const ACTOR = 'bench';

/** Who the registry records for the bench's API calls (the X-Actor header as it identifies callers), for the batched rows too. */
async function actorOf(app: RegistryApp): Promise<string> {
  return (await app.context({ headers: { 'x-actor': ACTOR } })).actor;
}
const CHUNK = 500;

async function insertChunked<T extends object>(em: EntityManager, entity: new () => T, rows: T[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await em.insert(entity, rows.slice(i, i + CHUNK) as never);
}

export interface NewDatasetVersion {
  datasetId: string;
  sequence: number;
  uri: string;
  digest: string;
  rowCount: number;
  schema: { columns: { name: string; type: string }[] };
  sourceIds: string[];
}

/** Dataset versions (one transaction); returns their ids in order. Also sets each dataset's version count. */
export async function insertDatasetVersions(app: RegistryApp, items: NewDatasetVersion[]): Promise<string[]> {
  const at = now();
  const actor = await actorOf(app);
  const rows = items.map((i) => app.db.dataSource.manager.create(DatasetVersion, {
    id: newId('DatasetVersion'), datasetId: i.datasetId, version: String(i.sequence), sequence: i.sequence, uri: i.uri,
    digest: i.digest, rowCount: i.rowCount, schema: i.schema, description: null, createdBy: actor, createdAt: at, updatedAt: at,
  }));
  await app.db.dataSource.transaction(async (em) => {
    await insertChunked(em, DatasetVersion, rows);
    for (const [n, row] of rows.entries()) await linkDatasetVersion(em, row, items[n].sourceIds);
    const counts = new Map<string, number>();
    for (const row of rows) counts.set(row.datasetId, Math.max(counts.get(row.datasetId) ?? 0, row.sequence));
    for (const [id, versionCount] of counts) await em.update(Dataset, { id }, { versionCount, updatedAt: at });
  });
  return rows.map((r) => r.id);
}

export interface NewRun {
  experimentId: string;
  name: string;
  params: Record<string, number>;
  gitRepo: string;
  gitCommit: string;
  inputIds: string[];
  metrics: { key: string; value: number; step: number }[];
}

/** Finished runs with their inputs and logged metrics (one transaction); returns their ids in order. */
export async function insertRuns(app: RegistryApp, items: NewRun[]): Promise<string[]> {
  const at = now();
  const actor = await actorOf(app);
  const rows = items.map((i) => app.db.dataSource.manager.create(Run, {
    id: newId('Run'), experimentId: i.experimentId, name: i.name, status: RunStatus.FINISHED, params: i.params,
    gitRepo: i.gitRepo, gitCommit: i.gitCommit, startedAt: at, endedAt: at, createdBy: actor, createdAt: at, updatedAt: at,
  }));
  await app.db.dataSource.transaction(async (em) => {
    await insertChunked(em, Run, rows);
    for (const [n, row] of rows.entries()) {
      await linkRun(em, row, items[n].inputIds);
      await insertMetrics(em, row.id, items[n].metrics);
    }
  });
  return rows.map((r) => r.id);
}

export interface NewModelVersion {
  modelId: string;
  sequence: number;
  artifactUri: string;
  artifactDigest: string | null;
  framework: string | null;
  hyperparameters: Record<string, number> | null;
  runId: string | null;
  /** The run's params (a version registered without hyperparameters takes its run's as its effective ones). */
  runParams: Record<string, number> | null;
  gitCommit: string | null;
  parentId: string | null;
  datasets: { datasetVersionId: string; role: DatasetRole }[];
  metrics: { key: string; value: number }[];
  tags: { key: string; value: string }[];
}

/**
 * Model versions on the INTEGER scheme (label = sequence) with their stage history, links, metrics and tags
 * (one transaction); a version's parent may be earlier in the same list. Sets each model's count and latest label.
 */
export async function insertModelVersions(app: RegistryApp, items: NewModelVersion[]): Promise<string[]> {
  const at = now();
  const actor = await actorOf(app);
  const rows = items.map((i) => app.db.dataSource.manager.create(ModelVersion, {
    id: newId('ModelVersion'), modelId: i.modelId, version: String(i.sequence), sequence: i.sequence, stage: Stage.NONE,
    description: null, artifactUri: i.artifactUri, artifactDigest: i.artifactDigest, framework: i.framework,
    hyperparameters: i.hyperparameters, effectiveHyperparameters: effectiveHyperparametersOf(i.hyperparameters, i.runParams), signature: null, gitRepo: i.runId ? GIT_REPO : null, gitCommit: i.gitCommit,
    runId: i.runId, parentId: i.parentId, createdBy: actor, createdAt: at, updatedAt: at,
  }));
  // A parent given as "the previous item" is resolved here, once its id exists.
  rows.forEach((row, n) => {
    if (items[n].parentId === PREVIOUS) row.parentId = rows[n - 1].id;
  });
  await app.db.dataSource.transaction(async (em) => {
    await insertChunked(em, ModelVersion, rows);
    for (const [n, row] of rows.entries()) {
      await recordTransition(app.db, em, row, Stage.NONE, TransitionKind.CREATED, { actor, at });
      await linkModelVersion(em, row, items[n].datasets);
      await insertMetrics(em, row.id, items[n].metrics);
      await insertTags(em, row.id, items[n].tags);
    }
    const latest = new Map<string, number>();
    for (const row of rows) latest.set(row.modelId, Math.max(latest.get(row.modelId) ?? 0, row.sequence));
    for (const [id, versionCount] of latest) {
      await em.update(Model, { id }, { versionCount, latestVersion: String(versionCount), updatedAt: at });
    }
  });
  return rows.map((r) => r.id);
}

export const GIT_REPO = 'https://git.example.com/ml/bench';
/** As `parentId` of an item: the item before it in the same call. */
export const PREVIOUS = '<previous>';
