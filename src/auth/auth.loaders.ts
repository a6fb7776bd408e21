import DataLoader from 'dataloader';
import { In } from 'typeorm';
import { defineLoader, groupLoader, MAX_BATCH } from '../common/loaders';
import { ModelGrant } from './model-grant.entity';
import type { Role } from './role';

/** `Model.grants`: every grant of each model, by subject. */
export const grantsOfModel = defineLoader('grantsOfModel', groupLoader<string, ModelGrant>(
  (db, ids) => db.manager.getRepository(ModelGrant).find({ where: { modelId: In([...ids]) }, order: { subject: 'ASC' } }),
  (row) => row.modelId,
));

/** A subject's grants, as model id → role (the auth checker's one read for model-scoped fields). */
export const grantsOfSubject = defineLoader('grantsOfSubject', (db) =>
  new DataLoader<string, Map<string, Role>, string>(async (subjects) => {
    const rows = await db.manager.getRepository(ModelGrant).findBy({ subject: In([...subjects]) });
    return subjects.map((s) => new Map(rows.filter((r) => r.subject === s).map((r) => [r.modelId, r.role])));
  }, { maxBatchSize: MAX_BATCH }),
);
