import type { EntityTarget } from 'typeorm';
import type { Database } from '../db/database';
import { EventType } from '../audit/event-type';
import { recordEvent, type Caller } from '../audit/record';
import { now } from '../common/base.entity';
import { PreconditionFailedError } from '../common/errors';
import { lock } from '../common/lock';
import { Dataset } from '../dataset/dataset.entity';
import { Deployment, DeploymentStatus } from '../deployment/deployment.entity';
import { Experiment } from '../experiment/experiment.entity';
import { Model } from '../model/model.entity';

type Archivable = Model | Dataset | Experiment;

/** What each kind records: its node type and the event of each direction. */
const EVENTS = new Map<EntityTarget<Archivable>, { type: 'Model' | 'Dataset' | 'Experiment'; archived: EventType; restored: EventType }>([
  [Model, { type: 'Model', archived: EventType.MODEL_ARCHIVED, restored: EventType.MODEL_RESTORED }],
  [Dataset, { type: 'Dataset', archived: EventType.DATASET_ARCHIVED, restored: EventType.DATASET_RESTORED }],
  [Experiment, { type: 'Experiment', archived: EventType.EXPERIMENT_ARCHIVED, restored: EventType.EXPERIMENT_RESTORED }],
]);

/**
 * Archival instead of deletion: each change is one column (`archived_at`) under the row's lock; nothing is
 * removed, and a version's content is never touched. Archiving an archived row (or restoring an active one)
 * returns it unchanged.
 */
export class ArchivalService {
  constructor(private readonly db: Database) {}

  /** Refused while a deployment of the model is ACTIVE (retire it first). */
  archiveModel(id: string, caller: Caller): Promise<Model> {
    return this.change(Model, id, true, caller, async (model) => {
      const active = await this.db.manager.findBy(Deployment, { modelId: model.id, status: DeploymentStatus.ACTIVE });
      if (active.length) {
        const names = active.map((d) => d.name).sort().join(', ');
        throw new PreconditionFailedError(`Model ${model.name} has ACTIVE deployments (${names}): retire them first`);
      }
    });
  }

  restoreModel(id: string, caller: Caller): Promise<Model> {
    return this.change(Model, id, false, caller);
  }

  archiveDataset(id: string, caller: Caller): Promise<Dataset> {
    return this.change(Dataset, id, true, caller);
  }

  restoreDataset(id: string, caller: Caller): Promise<Dataset> {
    return this.change(Dataset, id, false, caller);
  }

  archiveExperiment(id: string, caller: Caller): Promise<Experiment> {
    return this.change(Experiment, id, true, caller);
  }

  restoreExperiment(id: string, caller: Caller): Promise<Experiment> {
    return this.change(Experiment, id, false, caller);
  }

  private change<E extends Archivable>(entity: EntityTarget<E>, id: string, archive: boolean, caller: Caller, check?: (row: E) => Promise<void>): Promise<E> {
    return this.db.transaction(async (em) => {
      const row = await lock(this.db, entity, id, 'id');
      if (row.archived === archive) return row;
      if (check) await check(row);
      const at = now();
      const archivedAt = archive ? at : null;
      await em.update(entity as EntityTarget<Archivable>, { id: row.id }, { archivedAt, updatedAt: at });
      const kind = EVENTS.get(entity as EntityTarget<Archivable>)!;
      await recordEvent(this.db, caller, {
        action: archive ? kind.archived : kind.restored, entityType: kind.type, entityId: row.id,
        before: { archivedAt: row.archivedAt }, after: { archivedAt },
      });
      return Object.assign(row, { archivedAt, updatedAt: at });
    });
  }
}
