import DataLoader from 'dataloader';
import { defineLoader, MAX_BATCH } from '../common/loaders';
import { Metric } from '../common/metrics';
import { Evaluation } from './evaluation.entity';

/** A point's place among a version's evaluations on one dataset version: step (no step first), then logging order. */
const step = (m: string) => `COALESCE(${m}.step, -1)`;

/**
 * SQL: the point `m`, of an evaluation of version `version` on dataset version `dataset` (SQL expressions),
 * is that version's latest of its key there — no point of the same key, in any evaluation of the same
 * version on the same dataset version, has a higher step, or the same step and a later id. Each probe reads
 * the (dataset_version_id, version_id) index of `evaluation` and the (entity_id, key, step) index of
 * `metric`. Search and comparison both use it.
 */
export function latestEvaluationPoint(m: string, version: string, dataset: string): string {
  const [ml, el] = [`${m}l`, `${m}e`];
  return `NOT EXISTS (SELECT 1 FROM evaluation ${el} INNER JOIN metric ${ml} ON ${ml}.entity_id = ${el}.id AND ${ml}.key = ${m}.key
    WHERE ${el}.dataset_version_id = ${dataset} AND ${el}.version_id = ${version}
      AND (${step(ml)} > ${step(m)} OR (${step(ml)} = ${step(m)} AND ${ml}.id > ${m}.id)))`;
}

export interface EvaluatedMetric {
  versionId: string;
  key: string;
  value: number;
}

/** Per version: its latest evaluation point of each key on one dataset version; one statement per batch. */
export const latestEvaluationMetrics = defineLoader('latestEvaluationMetrics', (db, datasetVersionId: string) =>
  new DataLoader<string, EvaluatedMetric[], string>(async (versionIds) => {
    const rows = await db.manager.createQueryBuilder(Metric, 'm')
      .innerJoin(Evaluation, 'e', 'e.id = m.entity_id')
      .select(['m.key AS point_key', 'm.value AS point_value', 'e.version_id AS point_version'])
      .where('e.dataset_version_id = :evaluatedOn AND e.version_id IN (:...evaluatedVersions)', { evaluatedOn: datasetVersionId, evaluatedVersions: [...versionIds] })
      .andWhere(latestEvaluationPoint('m', 'e.version_id', 'e.dataset_version_id'))
      .getRawMany<{ point_key: string; point_value: number | string; point_version: string }>();
    const byVersion = new Map<string, EvaluatedMetric[]>();
    for (const r of rows) {
      const list = byVersion.get(r.point_version) ?? byVersion.set(r.point_version, []).get(r.point_version)!;
      list.push({ versionId: r.point_version, key: r.point_key, value: Number(r.point_value) });
    }
    return versionIds.map((id) => byVersion.get(id) ?? []);
  }, { maxBatchSize: MAX_BATCH }),
);
