import DataLoader from 'dataloader';
import { In } from 'typeorm';
import { applyCommonFilter } from '../common/filters';
import { byIdLoader, defineLoader, groupLoader } from '../common/loaders';
import { childPageLoader, SortDirection, type PageArgs } from '../common/pagination';
import { Model } from '../model/model.entity';
import { ModelVersion, ModelVersionDataset } from './model-version.entity';
import type { ModelVersionFilter, ModelVersionOrder } from './model-version.inputs';

export const versionById = byIdLoader('versionById', ModelVersion);

/** Key: [modelId, label]. */
export const versionByLabel = defineLoader('versionByLabel', (db) =>
  new DataLoader<[string, string], ModelVersion | null, string>(async (keys) => {
    const qb = db.manager.createQueryBuilder(ModelVersion, 'mv');
    keys.forEach(([modelId, version], i) => {
      qb.orWhere(`(mv.modelId = :m${i} AND mv.version = :v${i})`, { [`m${i}`]: modelId, [`v${i}`]: version });
    });
    const rows = await qb.getMany();
    return keys.map(([modelId, version]) => rows.find((r) => r.modelId === modelId && r.version === version) ?? null);
  }, { maxBatchSize: 100, cacheKeyFn: (k) => JSON.stringify(k) }),
);

/** Model.versions pages: filter + order variants, batched across models with one windowed query. */
export const versionPages = defineLoader('versionPages', (db, p: { page: PageArgs; filter: ModelVersionFilter | null; order: ModelVersionOrder | null }) =>
  childPageLoader(db, {
    query: (d) => {
      const qb = d.manager.createQueryBuilder(ModelVersion, 'mv');
      if (p.filter?.stage) qb.andWhere('mv.stage = :stage', { stage: p.filter.stage });
      return applyCommonFilter(qb, p.filter);
    },
    parentProperty: 'modelId',
    sort: { property: 'sequence', direction: p.order?.direction ?? SortDirection.DESC },
  }, p.page),
);

/** The newest version of each model (sequence = the model's version count). */
export const latestVersionOf = defineLoader('latestVersionOf', groupLoader<string, ModelVersion>(
  (db, modelIds) => db.manager.createQueryBuilder(ModelVersion, 'mv')
    .innerJoin(Model, 'm', 'm.id = mv.modelId AND mv.sequence = m.versionCount')
    .where('m.id IN (:...modelIds)', { modelIds: [...modelIds] })
    .getMany(),
  (v) => v.modelId,
));

export const versionsByRun = defineLoader('versionsByRun', groupLoader<string, ModelVersion>(
  (db, runIds) => db.manager.find(ModelVersion, { where: { runId: In([...runIds]) }, order: { id: 'ASC' } }),
  (v) => v.runId!,
));

export const childrenOf = defineLoader('childrenOf', groupLoader<string, ModelVersion>(
  (db, parentIds) => db.manager.find(ModelVersion, { where: { parentId: In([...parentIds]) }, order: { id: 'ASC' } }),
  (v) => v.parentId!,
));

/** Dataset links of each model version, and model-version links of each dataset version. */
export const datasetsOfVersion = defineLoader('datasetsOfVersion', groupLoader<string, ModelVersionDataset>(
  (db, ids) => db.manager.find(ModelVersionDataset, { where: { modelVersionId: In([...ids]) }, order: { datasetVersionId: 'ASC' } }),
  (l) => l.modelVersionId,
));
export const usagesOfDatasetVersion = defineLoader('usagesOfDatasetVersion', groupLoader<string, ModelVersionDataset>(
  (db, ids) => db.manager.find(ModelVersionDataset, { where: { datasetVersionId: In([...ids]) }, order: { modelVersionId: 'ASC' } }),
  (l) => l.datasetVersionId,
));

