import DataLoader from 'dataloader';
import { applyCommonFilter } from '../common/filters';
import { readEntities } from '../db/rows';
import { byIdLoader, defineLoader, groupLoader } from '../common/loaders';
import { childPageLoader, SortDirection, type PageArgs, type Sort } from '../common/pagination';
import { Model } from '../model/model.entity';
import { DatasetRole, ModelVersion, ModelVersionDataset } from './model-version.entity';
import { ModelVersionOrderField, type ModelVersionFilter, type ModelVersionOrder } from './model-version.inputs';

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
    sort: versionSort(p.order),
  }, p.page),
);

/** SEQUENCE: the number within the model; CREATED_AT: creation order, which ids keep (as for named lists). Newest first by default. */
export function versionSort(order: ModelVersionOrder | null): Sort<ModelVersion> {
  const property = order?.field === ModelVersionOrderField.CREATED_AT ? 'id' : 'sequence';
  return { property, direction: order?.direction ?? SortDirection.DESC };
}

/** The newest version of each model (sequence = the model's version count). */
export const latestVersionOf = defineLoader('latestVersionOf', groupLoader<string, ModelVersion>(
  (db, modelIds) => readEntities(db.manager.createQueryBuilder(ModelVersion, 'mv')
    .innerJoin(Model, 'm', 'm.id = mv.modelId AND mv.sequence = m.versionCount')
    .where('m.id IN (:...modelIds)', { modelIds: [...modelIds] })),
  (v) => v.modelId,
));

const OLDEST_FIRST = { property: 'id', direction: SortDirection.ASC } as const;

/** Run.producedVersions pages, oldest first, batched across runs. */
export const producedVersionPages = defineLoader('producedVersionPages', (db, page: PageArgs) =>
  childPageLoader(db, { query: (d) => d.manager.createQueryBuilder(ModelVersion, 'mv'), parentProperty: 'runId', sort: OLDEST_FIRST }, page),
);

/** ModelVersion.children pages, oldest first, batched across parents. */
export const childVersionPages = defineLoader('childVersionPages', (db, page: PageArgs) =>
  childPageLoader(db, { query: (d) => d.manager.createQueryBuilder(ModelVersion, 'mv'), parentProperty: 'parentId', sort: OLDEST_FIRST }, page),
);

/** DatasetVersion.usedBy pages: versions registered with the dataset version (in one role, if given), oldest first. */
export const usedByPages = defineLoader('usedByPages', (db, p: { page: PageArgs; role: DatasetRole | null }) =>
  childPageLoader(db, {
    query: (d) => d.manager.createQueryBuilder(ModelVersion, 'mv')
      .innerJoin(ModelVersionDataset, 'mvd', p.role ? 'mvd.modelVersionId = mv.id AND mvd.role = :usageRole' : 'mvd.modelVersionId = mv.id',
        p.role ? { usageRole: p.role } : {}),
    parentColumn: 'mvd.dataset_version_id',
    sort: OLDEST_FIRST,
  }, p.page),
);

/** Dataset links of each model version. */
export const datasetsOfVersion = defineLoader('datasetsOfVersion', groupLoader<string, ModelVersionDataset>(
  (db, ids) => readEntities(db.manager.createQueryBuilder(ModelVersionDataset, 'mvd')
    .where('mvd.modelVersionId IN (:...ids)', { ids: [...ids] }).orderBy('mvd.datasetVersionId', 'ASC')),
  (l) => l.modelVersionId,
));

