import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { now } from '../common/base.entity';
import { BadInputError, NotFoundError, PreconditionFailedError } from '../common/errors';
import { requireRow } from '../common/lookup';
import { Model } from '../model/model.entity';
import { ModelVersion } from '../model-version/model-version.entity';
import { AliasEvent, ModelAliasRow } from './alias.entity';
import { ModelPolicy } from './policy.entity';
import type { TransitionNote } from './stage-history';

/** Movable named pointers (champion, challenger…), unique per model, every move kept as history. */
export class AliasService {
  constructor(private readonly db: Database) {}

  async set(modelId: string, alias: string, versionId: string, note: TransitionNote): Promise<Model> {
    return this.db.transaction(async (em) => {
      const model = await requireRow(em, Model, 'Model', modelId, 'modelId', this.db.lockClause());
      await this.refuseProtected(em, model.id, alias);
      const version = await requireRow(em, ModelVersion, 'ModelVersion', versionId, 'versionId');
      await this.move(em, model.id, alias, version, note);
      return model;
    });
  }

  /** Within a transaction holding the model lock (also used when an approved request applies). */
  async move(em: EntityManager, modelId: string, alias: string, version: ModelVersion, note: TransitionNote): Promise<void> {
    if (version.modelId !== modelId) throw new BadInputError('versionId', 'belongs to another model');
    const current = await em.findOneBy(ModelAliasRow, { modelId, name: alias });
    if (current?.versionId === version.id) return;
    const at = now();
    if (current) await em.update(ModelAliasRow, { modelId, name: alias }, { versionId: version.id, updatedAt: at });
    else await em.insert(ModelAliasRow, { modelId, name: alias, versionId: version.id, updatedAt: at });
    await em.insert(AliasEvent, {
      modelId, alias, versionId: version.id, previousVersionId: current?.versionId ?? null, actor: note.actor, comment: note.comment ?? null, at,
    });
  }

  async delete(modelId: string, alias: string, note: TransitionNote): Promise<Model> {
    return this.db.transaction(async (em) => {
      const model = await requireRow(em, Model, 'Model', modelId, 'modelId', this.db.lockClause());
      const current = await em.findOneBy(ModelAliasRow, { modelId: model.id, name: alias });
      if (!current) throw new NotFoundError('Alias', alias, 'alias');
      await this.refuseProtected(em, model.id, alias);
      await em.delete(ModelAliasRow, { modelId: model.id, name: alias });
      await em.insert(AliasEvent, {
        modelId: model.id, alias, versionId: null, previousVersionId: current.versionId, actor: note.actor, comment: note.comment ?? null, at: now(),
      });
      return model;
    });
  }

  private async refuseProtected(em: EntityManager, modelId: string, alias: string): Promise<void> {
    const policy = await em.findOneBy(ModelPolicy, { modelId });
    if (policy?.protectedAliases.includes(alias)) {
      throw new PreconditionFailedError(`Alias "${alias}" is protected: it moves only through an approved request (requestAliasChange)`);
    }
  }
}
