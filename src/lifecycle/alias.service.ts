import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { EventType } from '../audit/event-type';
import { recordEvent } from '../audit/record';
import { now } from '../common/base.entity';
import { BadInputError, NotFoundError, PreconditionFailedError } from '../common/errors';
import { lock } from '../common/lock';
import { requireRow } from '../common/lookup';
import { Model } from '../model/model.entity';
import { ModelVersion } from '../model-version/model-version.entity';
import { AliasEvent, ModelAliasRow } from './alias.entity';
import { ModelPolicy } from './policy.entity';
import type { TransitionNote } from './stage-history';

/** Movable named pointers (champion, challenger…), unique per model, every move kept as history. */
export class AliasService {
  constructor(private readonly db: Database) {}

  /**
   * Points an alias at a version (creating or moving it), kept as history. A protected alias moves only
   * through an approved request: the move that applies it carries the request's id (`note.transitionRequestId`).
   */
  async set(modelId: string, alias: string, versionId: string, note: TransitionNote): Promise<Model> {
    return this.db.transaction(async (em) => {
      const model = await lock(this.db, Model, modelId, 'modelId');
      if (note.transitionRequestId == null) await this.refuseProtected(em, model.id, alias);
      const version = await requireRow(em, ModelVersion, 'ModelVersion', versionId, 'versionId');
      if (version.modelId !== model.id) throw new BadInputError('versionId', 'belongs to another model');
      const current = await em.findOneBy(ModelAliasRow, { modelId: model.id, name: alias });
      if (current?.versionId === version.id) return model;
      const at = now();
      if (current) await em.update(ModelAliasRow, { modelId: model.id, name: alias }, { versionId: version.id, updatedAt: at });
      else await em.insert(ModelAliasRow, { modelId: model.id, name: alias, versionId: version.id, updatedAt: at });
      await em.insert(AliasEvent, {
        modelId: model.id, alias, versionId: version.id, previousVersionId: current?.versionId ?? null, actor: note.actor, comment: note.comment ?? null, at,
      });
      await recordEvent(this.db, note, {
        action: EventType.ALIAS_SET, entityType: 'Model', entityId: model.id,
        before: { alias, versionId: current?.versionId ?? null },
        after: {
          alias, versionId: version.id,
          ...(note.transitionRequestId ? { transitionRequestId: note.transitionRequestId } : {}),
          ...(note.comment ? { comment: note.comment } : {}),
        },
      });
      return model;
    });
  }

  async delete(modelId: string, alias: string, note: TransitionNote): Promise<Model> {
    return this.db.transaction(async (em) => {
      const model = await lock(this.db, Model, modelId, 'modelId');
      const current = await em.findOneBy(ModelAliasRow, { modelId: model.id, name: alias });
      if (!current) throw new NotFoundError('Alias', alias, 'alias');
      await this.refuseProtected(em, model.id, alias);
      await em.delete(ModelAliasRow, { modelId: model.id, name: alias });
      await em.insert(AliasEvent, {
        modelId: model.id, alias, versionId: null, previousVersionId: current.versionId, actor: note.actor, comment: note.comment ?? null, at: now(),
      });
      await recordEvent(this.db, note, {
        action: EventType.ALIAS_DELETED, entityType: 'Model', entityId: model.id,
        before: { alias, versionId: current.versionId }, after: { alias, versionId: null, ...(note.comment ? { comment: note.comment } : {}) },
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
