import type { EntityTarget } from 'typeorm';
import type { Database } from '../db/database';
import { now } from '../common/base.entity';
import { PreconditionFailedError } from '../common/errors';
import { lock } from '../common/lock';
import { Dataset } from '../dataset/dataset.entity';
import { Deployment, DeploymentStatus } from '../deployment/deployment.entity';
import { Experiment } from '../experiment/experiment.entity';
import { Model } from '../model/model.entity';

type Archivable = Model | Dataset | Experiment;

/**
 * Archival instead of deletion: each change is one column (`archived_at`) under the row's lock; nothing is
 * removed, and a version's content is never touched. Archiving an archived row (or restoring an active one)
 * returns it unchanged.
 */
export class ArchivalService {
  constructor(private readonly db: Database) {}

  /** Refused while a deployment of the model is ACTIVE (retire it first). */
  archiveModel(id: string, _actor: string): Promise<Model> {
    return this.change(Model, id, true, async (model) => {
      const active = await this.db.manager.findBy(Deployment, { modelId: model.id, status: DeploymentStatus.ACTIVE });
      if (active.length) {
        const names = active.map((d) => d.name).sort().join(', ');
        throw new PreconditionFailedError(`Model ${model.name} has ACTIVE deployments (${names}): retire them first`);
      }
    });
  }

  restoreModel(id: string, _actor: string): Promise<Model> {
    return this.change(Model, id, false);
  }

  archiveDataset(id: string, _actor: string): Promise<Dataset> {
    return this.change(Dataset, id, true);
  }

  restoreDataset(id: string, _actor: string): Promise<Dataset> {
    return this.change(Dataset, id, false);
  }

  archiveExperiment(id: string, _actor: string): Promise<Experiment> {
    return this.change(Experiment, id, true);
  }

  restoreExperiment(id: string, _actor: string): Promise<Experiment> {
    return this.change(Experiment, id, false);
  }

  private change<E extends Archivable>(entity: EntityTarget<E>, id: string, archive: boolean, check?: (row: E) => Promise<void>): Promise<E> {
    return this.db.transaction(async (em) => {
      const row = await lock(this.db, entity, id, 'id');
      if (row.archived === archive) return row;
      if (check) await check(row);
      const at = now();
      const archivedAt = archive ? at : null;
      await em.update(entity as EntityTarget<Archivable>, { id: row.id }, { archivedAt, updatedAt: at });
      return Object.assign(row, { archivedAt, updatedAt: at });
    });
  }
}
