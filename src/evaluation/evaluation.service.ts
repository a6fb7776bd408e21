import { monotonicFactory } from 'ulid';
import { now } from '../common/base.entity';
import { insertMetrics } from '../common/metrics';
import { requireRow } from '../common/lookup';
import type { Database } from '../db/database';
import { EventType } from '../audit/event-type';
import { recordEvent, type Caller } from '../audit/record';
import { DatasetVersion } from '../dataset/dataset.entity';
import { ModelVersion } from '../model-version/model-version.entity';
import { Evaluation } from './evaluation.entity';
import type { LogEvaluationArgs } from './evaluation.inputs';
import { metricHistoryPage, type HistoryQuery } from './metric-history';
import type { PageArgsInput } from '../common/cursors';
import type { Page } from '../common/pagination';
import type { MetricPoint } from './evaluation.entity';

/** Evaluation ids: not nodes, but prefixed like them so a metric row's owner is never ambiguous. */
const nextUlid = monotonicFactory();
export const newEvaluationId = (): string => `ev_${nextUlid().toLowerCase()}`;

export class EvaluationService {
  constructor(private readonly db: Database) {}

  /** Adds an evaluation and its points; the version's registered content (metrics included) stays as it is. */
  log(args: LogEvaluationArgs, caller: Caller): Promise<Evaluation> {
    const { actor } = caller;
    return this.db.transaction(async (em) => {
      const version = await requireRow(em, ModelVersion, 'ModelVersion', args.versionId, 'versionId');
      const dataset = await requireRow(em, DatasetVersion, 'DatasetVersion', args.datasetVersionId, 'datasetVersionId');
      const evaluation = em.create(Evaluation, {
        id: newEvaluationId(), versionId: version.id, datasetVersionId: dataset.id, step: args.step ?? null, createdAt: now(), createdBy: actor,
      });
      await em.insert(Evaluation, evaluation);
      await insertMetrics(em, evaluation.id, args.metrics.map((m) => ({ ...m, step: m.step ?? args.step ?? null })));
      await recordEvent(this.db, caller, {
        action: EventType.EVALUATION_LOGGED, entityType: 'ModelVersion', entityId: version.id,
        after: {
          evaluationId: evaluation.id, datasetVersionId: dataset.id, step: evaluation.step,
          points: args.metrics.length, keys: [...new Set(args.metrics.map((m) => m.key))].sort(),
        },
      });
      return evaluation;
    });
  }

  /** One page of a model's history of one metric key (the caller has checked that the model exists). */
  history(q: HistoryQuery, page: PageArgsInput): Promise<Page<MetricPoint>> {
    return metricHistoryPage(this.db, q, page);
  }
}
