import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { requireActive } from '../common/archival';
import { EventType } from '../audit/event-type';
import { recordEvent, type Caller } from '../audit/record';
import { now } from '../common/base.entity';
import { ConflictError } from '../common/errors';
import { newId } from '../common/ids';
import { createOnce } from '../common/idempotency';
import { lock, parentKey } from '../common/lock';
import { requireAll, requireRow } from '../common/lookup';
import { insertMetrics } from '../common/metrics';
import { insertTags } from '../common/tags';
import { DatasetVersion } from '../dataset/dataset.entity';
import { linkModelVersion } from '../lineage/links';
import { recordTransition, TransitionKind } from '../lifecycle/stage-history';
import { Model } from '../model/model.entity';
import { Run } from '../run/run.entity';
import { ModelVersion, Stage } from './model-version.entity';
import type { CreateModelVersionInput } from './model-version.inputs';
import { effectiveHyperparametersOf } from './hyperparameters';
import { nextVersion } from './versioning';
import type { Connection, PageArgs } from '../common/pagination';
import { searchVersions } from './model-version.search';
import type { ModelVersionSearch, ModelVersionSearchOrder } from './search.inputs';

export class ModelVersionService {
  constructor(private readonly db: Database) {}

  search(filter: ModelVersionSearch | null, order: ModelVersionSearchOrder | null, page: PageArgs): Promise<Connection<ModelVersion>> {
    return searchVersions(this.db, filter, order, page);
  }

  /**
   * Registers a version. The model row is locked (MySQL) or writes are serialized (SQLite) while the label
   * and sequence are chosen, so concurrent registrations get distinct labels and gap-free sequences.
   */
  create(input: CreateModelVersionInput, caller: Caller): Promise<ModelVersion> {
    return createOnce(this.db, {
      mutation: 'createModelVersion',
      actor: caller.actor,
      input,
      id: newId('ModelVersion'),
      find: (id) => this.db.manager.findOneBy(ModelVersion, { id }),
      onConflict: () => new ConflictError('A version with this label already exists', 'input.version'),
      create: (em, id) => this.insert(em, id, input, caller),
    });
  }

  private async insert(em: EntityManager, id: string, input: CreateModelVersionInput, caller: Caller): Promise<ModelVersion> {
    const { actor } = caller;
    const model = await lock(this.db, Model, ...parentKey('model', { id: input.modelId, name: input.modelName }));
    requireActive(model, 'Model');
    const run = input.runId != null ? await requireRow(em, Run, 'Run', input.runId, 'input.runId') : null;
    if (input.parentVersionId != null) await requireRow(em, ModelVersion, 'ModelVersion', input.parentVersionId, 'input.parentVersionId');
    const datasets = input.datasets ?? [];
    await requireAll(em, DatasetVersion, 'DatasetVersion', datasets.map((d) => d.datasetVersionId), 'input.datasets');
    const at = now();
    const label = nextVersion({ scheme: model.versioningScheme, latest: model.latestVersion, explicit: input.version, bump: input.bump, at });
    const sequence = model.versionCount + 1;
    const version = em.create(ModelVersion, {
      id, modelId: model.id, version: label, sequence, stage: Stage.NONE, description: input.description ?? null,
      artifactUri: input.artifactUri, artifactDigest: input.artifactDigest ?? null, framework: input.framework ?? null,
      hyperparameters: input.hyperparameters ?? null,
      effectiveHyperparameters: effectiveHyperparametersOf(input.hyperparameters, run?.params), signature: input.signature ?? null,
      gitRepo: input.gitRepo ?? run?.gitRepo ?? null, gitCommit: input.gitCommit ?? run?.gitCommit ?? null,
      runId: run?.id ?? null, parentId: input.parentVersionId ?? null, createdBy: actor, createdAt: at, updatedAt: at,
    });
    await em.insert(ModelVersion, version);
    await recordTransition(this.db, em, version, Stage.NONE, TransitionKind.CREATED, { actor, at });
    await em.update(Model, { id: model.id }, { versionCount: sequence, latestVersion: label, updatedAt: at });
    await linkModelVersion(em, version, datasets);
    await insertMetrics(em, id, input.metrics);
    await insertTags(em, id, input.tags);
    await recordEvent(this.db, caller, {
      action: EventType.MODEL_VERSION_CREATED, entityType: 'ModelVersion', entityId: id,
      after: {
        modelId: model.id, version: label, sequence, stage: version.stage, artifactUri: version.artifactUri, artifactDigest: version.artifactDigest,
        framework: version.framework, runId: version.runId, parentVersionId: version.parentId,
        datasetVersionIds: datasets.map((d) => d.datasetVersionId), metricKeys: [...new Set((input.metrics ?? []).map((m) => m.key))].sort(),
        tags: input.tags ?? [],
      },
    });
    return version;
  }

}
