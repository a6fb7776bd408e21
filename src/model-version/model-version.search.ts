import type { ClassType } from 'type-graphql';
import type { SelectQueryBuilder } from 'typeorm';
import type { Database } from '../db/database';
import { BadInputError } from '../common/errors';
import { applyCommonFilter, tagExists } from '../common/filters';
import { checkPageArgs, decodeCursor, slicePage, type PageWindow } from '../common/cursors';
import { paginate, SortDirection, toConnection, type Connection, type PageArgs } from '../common/pagination';
import type { JsonValue } from '../common/scalars';
import { latestEvaluationPoint } from '../evaluation/latest-points';
import { hydrateAll } from '../db/rows';
import { ModelVersion, ModelVersionConnection } from './model-version.entity';
import { ModelVersionSearchField, type MetricThreshold, type ModelVersionSearch, type ModelVersionSearchOrder } from './search.inputs';

const OPS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/**
 * A version's registration value of a key is its last registered point of that key (registration may log
 * several steps): `m` must have no later point. One probe of the (entity_id, key) index per candidate.
 * (An evaluation value is the latest point by step, then logging order: `latestEvaluationPoint`.)
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

/**
 * Equality of one scalar hyperparameter, typed alike on both engines (a string "4" never equals the number 4),
 * in the version's effective hyperparameters (its own, else its run's params: stored at registration).
 */
function hyperparameterCondition(db: Database, i: number, key: string, value: JsonValue, params: Record<string, unknown>): string {
  const path = `:hp${i}`;
  params[`hp${i}`] = `$."${key}"`;
  const h = 'mv.effective_hyperparameters';
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

/** The metric a search is ordered by: its key, and the dataset version of the evaluations it comes from (null: registration). */
interface OrderMetric {
  key: string;
  datasetVersionId: string | null;
}

const sameMetric = (t: MetricThreshold, o: OrderMetric | null): boolean =>
  o !== null && t.key === o.key && (t.datasetVersionId ?? null) === o.datasetVersionId;

/** A threshold as an EXISTS probe: on the version's registration points, or its evaluations on a dataset version. */
function thresholdCondition(t: MetricThreshold, i: number, params: Record<string, unknown>): string {
  params[`mk${i}`] = t.key;
  const range = bounds(`sm${i}`, t, `mb${i}`, params);
  if (t.datasetVersionId == null) {
    return `EXISTS (SELECT 1 FROM metric sm${i} WHERE sm${i}.entity_id = mv.id AND sm${i}.key = :mk${i} AND ${range} AND ${lastPoint(`sm${i}`)})`;
  }
  params[`md${i}`] = t.datasetVersionId;
  // A scalar subquery (at most one row: the latest point is unique), not EXISTS: MariaDB may turn an EXISTS into a
  // semi-join that it materializes by reading every evaluation on the dataset version first (1.7 s at 100,000),
  // where a scalar subquery stays one index probe per candidate version.
  return `(SELECT 1 FROM evaluation se${i} INNER JOIN metric sm${i} ON sm${i}.entity_id = se${i}.id AND sm${i}.key = :mk${i}
    WHERE se${i}.dataset_version_id = :md${i} AND se${i}.version_id = mv.id AND ${range} AND ${latestEvaluationPoint(`sm${i}`, 'mv.id', `:md${i}`)}) IS NOT NULL`;
}

/** Every filter condition as EXISTS probes of the link tables, so each stays an index lookup per version. */
function applySearchFilter(db: Database, qb: SelectQueryBuilder<ModelVersion>, f: ModelVersionSearch | null, skip: OrderMetric | null): void {
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
  (f.metrics ?? []).filter((t) => !sameMetric(t, skip)).forEach((t, i) => where.push(thresholdCondition(t, i, params)));
  Object.entries((f.hyperparameters ?? {}) as Record<string, JsonValue>).forEach(([key, value], i) => {
    where.push(hyperparameterCondition(db, i, key, value, params));
  });
  if (f.datasetVersionId != null) {
    params.dsv = f.datasetVersionId;
    const role = f.datasetRole != null ? ' AND sd.role = :dsvRole' : '';
    if (role) params.dsvRole = f.datasetRole;
    where.push(`EXISTS (SELECT 1 FROM model_version_dataset sd WHERE sd.model_version_id = mv.id AND sd.dataset_version_id = :dsv${role})`);
  }
  for (const w of where) qb.andWhere(w);
  qb.setParameters({ ...qb.getParameters(), ...params });
  applyCommonFilter(qb, { createdAfter: f.createdAfter, createdBefore: f.createdBefore });
}

const reverse = (d: SortDirection) => (d === SortDirection.ASC ? SortDirection.DESC : SortDirection.ASC);

/**
 * Ordered by a metric, the query is driven by the (key, value, entity_id) index: the order key's
 * thresholds become a range on it, and the keyset cursor is (value, entity id) — the version's id for a
 * registration metric, the evaluation's for an evaluation metric (a version has one latest point per key
 * and dataset version, so either names one version).
 */
function metricBase(db: Database, filter: ModelVersionSearch | null, order: OrderMetric): SelectQueryBuilder<ModelVersion> {
  const params: Record<string, unknown> = { orderKey: order.key };
  const own = (filter?.metrics ?? []).filter((t) => sameMetric(t, order)).map((t, i) => bounds('om', t, `ob${i}`, params));
  const qb = db.manager.createQueryBuilder(ModelVersion, 'mv');
  if (order.datasetVersionId == null) {
    qb.innerJoin('metric', 'om', ['om.entity_id = mv.id', 'om.key = :orderKey', ...own, lastPoint('om')].join(' AND '), params);
  } else {
    // The point's version comes from a scalar lookup of its evaluation rather than a join of `evaluation`: with a
    // join, both engines may read every evaluation on the dataset version and sort (seconds at 100,000); this way
    // the only join is metric → version, read in the index's value order and stopped at the page's end.
    params.orderDataset = order.datasetVersionId;
    const versionOf = '(SELECT oe.version_id FROM evaluation oe WHERE oe.id = om.entity_id AND oe.dataset_version_id = :orderDataset)';
    qb.innerJoin('metric', 'om', ['om.key = :orderKey', ...own, `mv.id = ${versionOf}`, latestEvaluationPoint('om', 'mv.id', ':orderDataset')].join(' AND '), params);
  }
  qb.addSelect('om.value', 'search_value').addSelect('om.entity_id', 'search_tie');
  applySearchFilter(db, qb, filter, order);
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
  db: Database, filter: ModelVersionSearch | null, key: string, direction: SortDirection, window: PageWindow, datasetVersionId: string | null = null,
): SelectQueryBuilder<ModelVersion> {
  return metricWindow(metricBase(db, filter, { key, datasetVersionId }), direction, window);
}

type Ranked = ModelVersion & { searchValue: number; searchTie: string };

async function byMetric(db: Database, filter: ModelVersionSearch | null, order: ModelVersionSearchOrder, page: PageArgs): Promise<Connection<ModelVersion>> {
  const window = checkPageArgs(page);
  const base = metricBase(db, filter, { key: order.metricKey!, datasetVersionId: order.datasetVersionId ?? null });
  const counter = base.clone();
  type Raw = { mv_id: string; search_value: number | string; search_tie: string };
  const { raw, entities } = await metricWindow(base, order.direction, window).getRawAndEntities<Raw>();
  const byId = new Map(raw.map((r) => [r.mv_id, r]));
  const ranked = entities.map((e) => Object.assign(e, { searchValue: Number(byId.get(e.id)!.search_value), searchTie: byId.get(e.id)!.search_tie }) as Ranked);
  let counted: Promise<number> | undefined;
  const connectionType = ModelVersionConnection as unknown as ClassType<Connection<Ranked>>;
  return toConnection(connectionType, {
    ...slicePage(ranked, window), count: () => (counted ??= counter.getCount()),
    sort: { property: 'searchValue', direction: order.direction }, key: 'searchTie',
  });
}

/**
 * MariaDB turns a filter's EXISTS conditions into semi-joins and may materialize one: every version passing a
 * common threshold is read, then sorted (0.15–0.25 s at 100,000 versions, growing with the data). Without
 * materialization it reads versions in the page's order and probes each condition, stopping once the page is
 * full: 0.02 s there, and 0.12 s for a threshold almost nothing passes (which materialization answers at once).
 */
const WITHOUT_MATERIALIZATION = "SET STATEMENT optimizer_switch='materialization=off' FOR ";

/** modelVersions(filter:, orderBy:): versions across every model, newest first unless ordered by a metric. */
export async function searchVersions(
  db: Database, filter: ModelVersionSearch | null, order: ModelVersionSearchOrder | null, page: PageArgs,
): Promise<Connection<ModelVersion>> {
  if (order?.field === ModelVersionSearchField.METRIC) return byMetric(db, filter, order, page);
  const qb = db.manager.createQueryBuilder(ModelVersion, 'mv');
  applySearchFilter(db, qb, filter, null);
  const read = db.flavor === 'mariadb' && filter
    ? async (q: SelectQueryBuilder<ModelVersion>) => {
      const [sql, parameters] = q.getQueryAndParameters();
      return hydrateAll(q, await db.manager.query(WITHOUT_MATERIALIZATION + sql, parameters));
    }
    : undefined;
  return toConnection(ModelVersionConnection, await paginate(qb, { property: 'id', direction: order?.direction ?? SortDirection.DESC }, page, read));
}
