import type { SelectQueryBuilder } from 'typeorm';
import { checkPageArgs, decodeCursor, slicePage, SortDirection, type PageArgsInput } from '../common/cursors';
import { BadInputError } from '../common/errors';
import { Metric } from '../common/metrics';
import type { Page } from '../common/pagination';
import type { Database } from '../db/database';
import { ModelVersion } from '../model-version/model-version.entity';
import { Evaluation, MetricPoint } from './evaluation.entity';

export interface HistoryQuery {
  modelId: string;
  key: string;
  datasetVersionId?: string | null;
}

/** A point's place: (version sequence, step with no step first, metric id). */
const STEP = 'COALESCE(m.step, -1)';

/**
 * The cursor is [sequence, "step:metricId"] in the common cursor encoding; the list is ordered by
 * (sequence, step, metric id), so a keyset on those three columns pages it without offsets.
 */
function cursorOf(point: { sequence: number; step: number | null; metricId: number }): string {
  return `${point.step ?? -1}:${point.metricId}`;
}

function readCursor(cursor: string, argument: 'after' | 'before'): { s: number; t: number; i: number } {
  const [sequence, rest] = decodeCursor(cursor, argument);
  const match = /^(-?\d+):(\d+)$/.exec(String(rest));
  if (typeof sequence !== 'number' || !match) throw new BadInputError(argument, 'is not a cursor returned by this list');
  return { s: sequence, t: Number(match[1]), i: Number(match[2]) };
}

function keyset(qb: SelectQueryBuilder<Metric>, cursor: string, argument: 'after' | 'before'): void {
  const { s, t, i } = readCursor(cursor, argument);
  const op = argument === 'after' ? '>' : '<';
  const [ps, pt, pi] = [`${argument}S`, `${argument}T`, `${argument}I`];
  qb.andWhere(`(mv.sequence ${op} :${ps} OR (mv.sequence = :${ps} AND (${STEP} ${op} :${pt} OR (${STEP} = :${pt} AND m.id ${op} :${pi}))))`,
    { [ps]: s, [pt]: t, [pi]: i });
}

function baseQuery(db: Database, q: HistoryQuery): SelectQueryBuilder<Metric> {
  const qb = db.manager.createQueryBuilder(Metric, 'm');
  if (q.datasetVersionId != null) {
    qb.innerJoin(Evaluation, 'e', 'e.id = m.entityId')
      .innerJoin(ModelVersion, 'mv', 'mv.id = e.versionId')
      .where('e.datasetVersionId = :historyDataset', { historyDataset: q.datasetVersionId });
  } else {
    qb.innerJoin(ModelVersion, 'mv', 'mv.id = m.entityId').where('1 = 1');
  }
  return qb.andWhere('mv.modelId = :historyModel AND m.key = :historyKey', { historyModel: q.modelId, historyKey: q.key });
}

/**
 * One page of a model's history of one metric key: registration points, or (with a dataset version) the
 * points of evaluations on it; one statement, plus one COUNT if totalCount is asked for.
 */
export async function metricHistoryPage(db: Database, q: HistoryQuery, pageArgs: PageArgsInput): Promise<Page<MetricPoint>> {
  const window = checkPageArgs(pageArgs);
  const qb = baseQuery(db, q);
  const counter = qb.clone();
  if (window.after) keyset(qb, window.after, 'after');
  if (window.before) keyset(qb, window.before, 'before');
  const dir = window.backward ? 'DESC' : 'ASC';
  qb.addSelect('mv.sequence', 'mv_sequence').addSelect('mv.id', 'mv_id')
    .orderBy('mv.sequence', dir).addOrderBy(STEP, dir).addOrderBy('m.id', dir).limit(window.size + 1);
  const { raw, entities } = await qb.getRawAndEntities<{ mv_sequence: number | string; mv_id: string }>();
  const points = entities.map((m, n) => toPoint(m, raw[n], q.datasetVersionId ?? null));
  let counted: Promise<number> | undefined;
  return {
    ...slicePage(points, window),
    count: () => (counted ??= counter.getCount()),
    sort: { property: 'sequence', direction: SortDirection.ASC },
    key: 'cursorKey',
  };
}

function toPoint(m: Metric, raw: { mv_sequence: number | string; mv_id: string }, datasetVersionId: string | null): MetricPoint {
  const point = new MetricPoint();
  Object.assign(point, {
    metricId: m.id, sequence: Number(raw.mv_sequence), versionId: raw.mv_id, datasetVersionId,
    value: m.value, step: m.step, at: m.timestamp ?? new Date(0), // every insert stamps points
  });
  point.cursorKey = cursorOf(point);
  return point;
}
