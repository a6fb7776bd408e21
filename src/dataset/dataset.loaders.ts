import { In } from 'typeorm';
import { readEntities } from '../db/rows';
import { byIdLoader, byNameLoader, defineLoader, groupLoader } from '../common/loaders';
import { childPageLoader, SortDirection, type PageArgs } from '../common/pagination';
import { Dataset, DatasetVersion, DatasetVersionSource } from './dataset.entity';

export const datasetById = byIdLoader('datasetById', Dataset);
export const datasetByName = byNameLoader('datasetByName', Dataset);
export const datasetVersionById = byIdLoader('datasetVersionById', DatasetVersion);

/** Dataset.versions pages, newest first, batched across datasets. */
export const datasetVersionPages = defineLoader('datasetVersionPages', (db, page: PageArgs) =>
  childPageLoader(db, {
    entity: DatasetVersion,
    parentProperty: 'datasetId',
    sort: { property: 'sequence', direction: SortDirection.DESC },
  }, page),
);

/** The version with the highest sequence of each dataset. */
export const latestDatasetVersion = defineLoader('latestDatasetVersion', groupLoader<string, DatasetVersion>(
  (db, datasetIds) => readEntities(db.manager.createQueryBuilder(DatasetVersion, 'dv')
    .innerJoin(Dataset, 'd', 'd.id = dv.datasetId AND dv.sequence = d.versionCount')
    .where('d.id IN (:...datasetIds)', { datasetIds: [...datasetIds] })),
  (v) => v.datasetId,
));

/** Links of derivation by derived id (its sources); by source id, derivativePages pages what was made from it (oldest first). */
export const sourcesOf = defineLoader('sourcesOf', groupLoader<string, DatasetVersionSource>(
  (db, ids) => db.manager.find(DatasetVersionSource, { where: { datasetVersionId: In([...ids]) }, order: { sourceId: 'ASC' } }),
  (l) => l.datasetVersionId,
));
export const derivativePages = defineLoader('derivativePages', (db, page: PageArgs) =>
  childPageLoader(db, {
    query: (d) => d.manager.createQueryBuilder(DatasetVersion, 'dv').innerJoin(DatasetVersionSource, 'dvs', 'dvs.datasetVersionId = dv.id'),
    parentColumn: 'dvs.source_id',
    sort: { property: 'id', direction: SortDirection.ASC },
  }, page),
);
