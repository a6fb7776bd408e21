import DataLoader from 'dataloader';
import { applyCommonFilter, commonFilterNarrows } from '../common/filters';
import type { Database } from '../db/database';
import { placeholders, selectRows, tableSql } from '../db/statements';
import { byIdLoader, defineLoader, groupLoader, MAX_BATCH, primableGroupLoader, type LoaderDef, type Primer } from '../common/loaders';
import { Dataset, DatasetVersion } from '../dataset/dataset.entity';
import { datasetById, datasetVersionById } from '../dataset/dataset.loaders';
import { childPageLoader, SortDirection, type PageArgs, type Sort } from '../common/pagination';
import { Model } from '../model/model.entity';
import { modelById } from '../model/model.loaders';
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
    ...(filters(p.filter)
      ? {
        query: (d: Database) => {
          const qb = d.manager.createQueryBuilder(ModelVersion, 'mv');
          if (p.filter?.stage) qb.andWhere('mv.stage = :stage', { stage: p.filter.stage });
          return applyCommonFilter(qb, p.filter);
        },
      }
      : { entity: ModelVersion }),
    parentProperty: 'modelId',
    sort: versionSort(p.order),
  }, p.page),
);

/** Whether a version filter leaves anything out. */
function filters(filter: ModelVersionFilter | null): boolean {
  return filter?.stage != null || commonFilterNarrows(filter);
}

/** SEQUENCE: the number within the model; CREATED_AT: creation order, which ids keep (as for named lists). Newest first by default. */
export function versionSort(order: ModelVersionOrder | null): Sort<ModelVersion> {
  const property = order?.field === ModelVersionOrderField.CREATED_AT ? 'id' : 'sequence';
  return { property, direction: order?.direction ?? SortDirection.DESC };
}

/** The newest version of each model (sequence = the model's version count). */
export const latestVersionOf = primableGroupLoader<ModelVersion>('latestVersionOf',
  (db, modelIds) => {
    const manager = db.manager;
    const mv = tableSql(manager, ModelVersion, 'mv');
    const select = mv.statement('latestOfModels', () => {
      const m = tableSql(manager, Model, 'm');
      return `SELECT ${mv.columns} FROM ${mv.from} INNER JOIN ${m.from} ON ${m.column('id')} = ${mv.column('modelId')} `
        + `AND ${mv.column('sequence')} = ${m.column('versionCount')} WHERE ${m.column('id')} IN (`;
    });
    return mv.read(manager, `${select}${placeholders(modelIds.length)})`, modelIds);
  },
  (v) => v.modelId,
);

/**
 * Models by id or by name read with their latest version in one statement (for `model { latestVersion }`):
 * the rows prime the request's latestVersionOf and modelById loaders.
 */
export const modelByIdWithLatest = modelWithLatestLoader('modelByIdWithLatest', 'id');
export const modelByNameWithLatest = modelWithLatestLoader('modelByNameWithLatest', 'name');

function modelWithLatestLoader(name: string, property: 'id' | 'name'): LoaderDef<string, Model | null> {
  return defineLoader(name, (db, _p: void, loaders) =>
    new DataLoader<string, Model | null, string>((keys) => loaders.priming([latestVersionOf, modelById], async (primer) => {
      const manager = db.manager;
      const m = tableSql(manager, Model, 'e');
      const lv = tableSql(manager, ModelVersion, 'lv');
      const select = m.statement(`withLatest:${property}`, () => `SELECT ${m.columns}, ${lv.columns} FROM ${m.from} `
        + `LEFT JOIN ${lv.from} ON ${lv.column('modelId')} = ${m.column('id')} AND ${lv.column('sequence')} = ${m.column('versionCount')} `
        + `WHERE ${m.column(property)} IN (`);
      const rows = await selectRows(manager, `${select}${placeholders(keys.length)})`, keys);
      const found = new Map<string, Model>();
      for (const row of rows) {
        const model = m.hydrate(row);
        found.set(model[property], model);
        primer.prime(modelById, model.id, model);
        primer.prime(latestVersionOf, model.id, lv.has(row) ? [lv.hydrate(row)] : []);
      }
      return keys.map((k) => found.get(k) ?? null);
    }), { maxBatchSize: MAX_BATCH }),
  );
}

const OLDEST_FIRST = { property: 'id', direction: SortDirection.ASC } as const;

/** Run.producedVersions pages, oldest first, batched across runs. */
export const producedVersionPages = defineLoader('producedVersionPages', (db, page: PageArgs) =>
  childPageLoader(db, { entity: ModelVersion, parentProperty: 'runId', sort: OLDEST_FIRST }, page),
);

/** ModelVersion.children pages, oldest first, batched across parents. */
export const childVersionPages = defineLoader('childVersionPages', (db, page: PageArgs) =>
  childPageLoader(db, { entity: ModelVersion, parentProperty: 'parentId', sort: OLDEST_FIRST }, page),
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

/**
 * Dataset links of each model version, read in one statement with the dataset versions they point to (each
 * link's `datasetVersion`, absent for a link to no row) and, `WithDatasets`, those versions' datasets: the
 * rows also prime the request's datasetVersionById (and datasetById) loaders, so
 * `datasets { datasetVersion { dataset } }` issues no statement of its own.
 */
export const datasetsOfVersion = linksLoader('datasetsOfVersion', false);
export const datasetsOfVersionWithDatasets = linksLoader('datasetsOfVersionWithDatasets', true);

function linksLoader(name: string, withDatasets: boolean): LoaderDef<string, ModelVersionDataset[]> {
  const primed = withDatasets ? [datasetVersionById, datasetById] : [datasetVersionById];
  return defineLoader(name, (db, _p: void, loaders) =>
    groupLoader<string, ModelVersionDataset>(
      (d, ids) => loaders.priming(primed, (primer) => linksWithVersions(d, ids, primer, withDatasets)),
      (l) => l.modelVersionId,
    )(db));
}

async function linksWithVersions(db: Database, versionIds: readonly string[], primer: Primer, withDatasets: boolean): Promise<ModelVersionDataset[]> {
  const manager = db.manager;
  const mvd = tableSql(manager, ModelVersionDataset, 'mvd');
  const dv = tableSql(manager, DatasetVersion, 'dv');
  const d = tableSql(manager, Dataset, 'd');
  // LEFT JOINs: the links are the answer whatever they point to. A dataset version's columns repeat on each
  // link to it (fewer rows, as separate statements or a UNION would send, cost the database more than that).
  const select = mvd.statement(withDatasets ? 'linksWithDatasets' : 'linksWithVersions', () =>
    `SELECT ${mvd.columns}, ${dv.columns}${withDatasets ? `, ${d.columns}` : ''} FROM ${mvd.from} `
      + `LEFT JOIN ${dv.from} ON ${dv.column('id')} = ${mvd.column('datasetVersionId')} `
      + (withDatasets ? `LEFT JOIN ${d.from} ON ${d.column('id')} = ${dv.column('datasetId')} ` : '')
      + `WHERE ${mvd.column('modelVersionId')} IN (`);
  const order = mvd.statement('linksOrder', () => `) ORDER BY ${mvd.column('datasetVersionId')} ASC`);
  const rows = await selectRows(manager, select + placeholders(versionIds.length) + order, versionIds);
  // Each dataset version and dataset becomes an entity once, however many links lead to it.
  const versions = new Map<string, DatasetVersion>();
  const datasets = new Set<string>();
  return rows.map((row) => {
    const link = mvd.hydrate(row);
    const versionId = dv.id(row);
    if (versionId === undefined) return link;
    let version = versions.get(versionId);
    if (!version) {
      versions.set(versionId, (version = dv.hydrate(row)));
      primer.prime(datasetVersionById, versionId, version);
      const datasetId = withDatasets ? d.id(row) : undefined;
      if (datasetId !== undefined && !datasets.has(datasetId)) {
        datasets.add(datasetId);
        primer.prime(datasetById, datasetId, d.hydrate(row));
      }
    }
    link.datasetVersion = version;
    return link;
  });
}
