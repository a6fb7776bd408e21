import type { ClassType } from 'type-graphql';
import type { SelectQueryBuilder } from 'typeorm';
import type { Database } from '../db/database';
import { BadInputError } from '../common/errors';
import { applyCommonFilter, tagExists } from '../common/filters';
import { checkPageArgs, decodeCursor, slicePage, type PageWindow } from '../common/cursors';
import { paginate, SortDirection, toConnection, type Connection, type PageArgs } from '../common/pagination';
import type { JsonValue } from '../common/scalars';
import { ModelVersion, ModelVersionConnection } from './model-version.entity';
import { ModelVersionSearchField, type MetricThreshold, type ModelVersionSearch, type ModelVersionSearchOrder } from './search.inputs';

const OPS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/**
 * A version's value of a key is its last registered point of that key (registration may log several
 * steps): `m` must have no later point. One probe of the (entity_id, key) index per candidate.
 */
const lastPoint = (m: string) =>
  `NOT EXISTS (SELECT 1 FROM metric ${m}n WHERE ${m}n.entity_id = ${m}.entity_id AND ${m}n.key = ${m}.key AND ${m}n.id > ${m}.id)`;

function bounds(m: string, t: MetricThreshold, p: string, params: Record<string, unknown>): string {
  return (Object.keys(OPS) as (keyof typeof OPS)[])
    .filter((b) => t[b] != null)
    .map((b) => {
      params[`${p}${b}`] = t[b];
      return `${m}.value ${OPS[b]} :${p}${b}`;
    })
    .join(' AND ');
}

/** Equality of one scalar hyperparameter, typed alike on both engines (a string "4" never equals the number 4). */
function hyperparameterCondition(db: Database, i: number, key: string, value: JsonValue, params: Record<string, unknown>): string {
  const path = `:hp${i}`;
  params[`hp${i}`] = `$."${key}"`;
  const h = 'mv.hyperparameters';
  if (db.engine === 'sqlite') {
    if (value === null || typeof value === 'boolean') return `json_type(${h}, ${path}) = '${String(value)}'`;
    params[`hv${i}`] = value;
    const types = typeof value === 'string' ? `'text'` : `'integer', 'real'`;
    return `(json_type(${h}, ${path}) IN (${types}) AND json_extract(${h}, ${path}) = :hv${i})`;
  }
  const extracted = `JSON_EXTRACT(${h}, ${path})`;
  if (value === null || typeof value === 'boolean') return `${extracted} = '${String(value)}'`;
  params[`hv${i}`] = value;
  if (typeof value === 'string') {
    return `(JSON_TYPE(${extracted}) = 'STRING' AND BINARY JSON_UNQUOTE(${extracted}) = BINARY :hv${i})`;
  }
  return `(JSON_TYPE(${extracted}) IN ('INTEGER', 'DOUBLE') AND CAST(${extracted} AS DOUBLE) = :hv${i})`;
}

/** Every filter condition as EXISTS probes of the link tables, so each stays an index lookup per version. */
function applySearchFilter(db: Database, qb: SelectQueryBuilder<ModelVersion>, f: ModelVersionSearch | null, skipKey: string | null): void {
  // Versions of archived models are left out unless asked for: one probe of the model's primary key per version
  // (NOT EXISTS: MariaDB would turn EXISTS into a semi-join driven by the model table, and sort).
  if (!f?.includeArchived) qb.andWhere('NOT EXISTS (SELECT 1 FROM model sam WHERE sam.id = mv.model_id AND sam.archived_at IS NOT NULL)');
  if (!f) return;
  const params: Record<string, unknown> = {};
  const where: string[] = [];
  if (f.modelIds) {
    params.modelIds = f.modelIds.length ? f.modelIds : [''];
    where.push('mv.model_id IN (:...modelIds)');
  }
  if (f.stage) {
    params.stage = f.stage;
    where.push('mv.stage = :stage');
  }
  if (f.alias != null) {
    params.alias = f.alias;
    where.push('EXISTS (SELECT 1 FROM model_alias sa WHERE sa.version_id = mv.id AND sa.model_id = mv.model_id AND sa.name = :alias)');
  }
  (f.tags ?? []).forEach((t, i) => {
    Object.assign(params, { [`tk${i}`]: t.key, [`tv${i}`]: t.value });
    where.push(tagExists('mv', `st${i}`, `tk${i}`, `tv${i}`));
  });
  if (f.anyTags?.length) {
    const any = f.anyTags.map((t, i) => {
      Object.assign(params, { [`ak${i}`]: t.key, [`av${i}`]: t.value });
      return `(sat.key = :ak${i} AND sat.value = :av${i})`;
    });
    where.push(`EXISTS (SELECT 1 FROM tag sat WHERE sat.entity_id = mv.id AND (${any.join(' OR ')}))`);
  }
  if (f.tagKey != null) {
    params.tagKey = f.tagKey;
    where.push(tagExists('mv', 'stk', 'tagKey'));
  }
  (f.metrics ?? []).filter((t) => t.key !== skipKey).forEach((t, i) => {
    params[`mk${i}`] = t.key;
    where.push(`EXISTS (SELECT 1 FROM metric sm${i} WHERE sm${i}.entity_id = mv.id AND sm${i}.key = :mk${i} AND ${bounds(`sm${i}`, t, `mb${i}`, params)} AND ${lastPoint(`sm${i}`)})`);
  });
  Object.entries((f.hyperparameters ?? {}) as Record<string, JsonValue>).forEach(([key, value], i) => {
    where.push(hyperparameterCondition(db, i, key, value, params));
  });
  if (f.datasetVersionId != null) {
    params.dsv = f.datasetVersionId;
    where.push('EXISTS (SELECT 1 FROM model_version_dataset sd WHERE sd.model_version_id = mv.id AND sd.dataset_version_id = :dsv)');
  }
  for (const w of where) qb.andWhere(w);
  qb.setParameters({ ...qb.getParameters(), ...params });
  applyCommonFilter(qb, { createdAfter: f.createdAfter, createdBefore: f.createdBefore });
}

const reverse = (d: SortDirection) => (d === SortDirection.ASC ? SortDirection.DESC : SortDirection.ASC);

/**
 * Ordered by a metric, the query is driven by the (key, value, entity_id) index: the order key's
 * thresholds become a range on it, and the keyset cursor is (value, version id).
 */
function metricBase(db: Database, filter: ModelVersionSearch | null, key: string): SelectQueryBuilder<ModelVersion> {
  const params: Record<string, unknown> = { orderKey: key };
  const own = (filter?.metrics ?? []).filter((t) => t.key === key).map((t, i) => bounds('om', t, `ob${i}`, params));
  const qb = db.manager.createQueryBuilder(ModelVersion, 'mv')
    .innerJoin('metric', 'om', ['om.entity_id = mv.id', 'om.key = :orderKey', ...own, lastPoint('om')].join(' AND '), params)
    .addSelect('om.value', 'search_value');
  applySearchFilter(db, qb, filter, key);
  return qb;
}

/** Rows between the window's cursors, read in the window's direction, size + 1 of them. */
function metricWindow(qb: SelectQueryBuilder<ModelVersion>, direction: SortDirection, window: PageWindow): SelectQueryBuilder<ModelVersion> {
  const keyset = (cursor: string, argument: 'after' | 'before', dir: SortDirection) => {
    const [value, id] = decodeCursor(cursor, argument);
    // A cursor of the creation order (or of another list) holds no metric value.
    if (typeof value !== 'number') throw new BadInputError(argument, 'is not a cursor returned by this list');
    const op = dir === SortDirection.ASC ? '>' : '<';
    qb.andWhere(`(om.value ${op} :${argument}V OR (om.value = :${argument}V AND om.entity_id ${op} :${argument}I))`,
      { [`${argument}V`]: value, [`${argument}I`]: id });
  };
  if (window.after) keyset(window.after, 'after', direction);
  if (window.before) keyset(window.before, 'before', reverse(direction));
  const read = window.backward ? reverse(direction) : direction;
  return qb.orderBy('om.value', read).addOrderBy('om.entity_id', read).limit(window.size + 1);
}

/** The statement of one page ordered by a metric (the query plan test explains it). */
export function metricSearchQuery(
  db: Database, filter: ModelVersionSearch | null, key: string, direction: SortDirection, window: PageWindow,
): SelectQueryBuilder<ModelVersion> {
  return metricWindow(metricBase(db, filter, key), direction, window);
}

type Ranked = ModelVersion & { searchValue: number };

async function byMetric(db: Database, filter: ModelVersionSearch | null, order: ModelVersionSearchOrder, page: PageArgs): Promise<Connection<ModelVersion>> {
  const window = checkPageArgs(page);
  const base = metricBase(db, filter, order.metricKey!);
  const counter = base.clone();
  const { raw, entities } = await metricWindow(base, order.direction, window).getRawAndEntities<{ mv_id: string; search_value: number | string }>();
  const values = new Map(raw.map((r) => [r.mv_id, Number(r.search_value)]));
  const ranked = entities.map((e) => Object.assign(e, { searchValue: values.get(e.id)! }) as Ranked);
  let counted: Promise<number> | undefined;
  const connectionType = ModelVersionConnection as unknown as ClassType<Connection<Ranked>>;
  return toConnection(connectionType, {
    ...slicePage(ranked, window), count: () => (counted ??= counter.getCount()),
    sort: { property: 'searchValue', direction: order.direction }, key: 'id',
  });
}

/** modelVersions(filter:, orderBy:): versions across every model, newest first unless ordered by a metric. */
export async function searchVersions(
  db: Database, filter: ModelVersionSearch | null, order: ModelVersionSearchOrder | null, page: PageArgs,
): Promise<Connection<ModelVersion>> {
  if (order?.field === ModelVersionSearchField.METRIC) return byMetric(db, filter, order, page);
  const qb = db.manager.createQueryBuilder(ModelVersion, 'mv');
  applySearchFilter(db, qb, filter, null);
  return toConnection(ModelVersionConnection, await paginate(qb, { property: 'id', direction: order?.direction ?? SortDirection.DESC }, page));
}
