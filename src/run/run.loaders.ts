import { In } from 'typeorm';
import { byIdLoader, defineLoader, groupLoader } from '../common/loaders';
import { childPageLoader, SortDirection, type PageArgs } from '../common/pagination';
import { Metric } from '../common/metrics';
import { Run, RunInput } from './run.entity';
import type { RunFilter } from './run.inputs';

export const runById = byIdLoader('runById', Run);

/** Experiment.runs pages, newest first, batched across experiments. */
export const runPagesByExperiment = defineLoader('runPagesByExperiment', (db, p: { page: PageArgs; filter: RunFilter | null }) =>
  childPageLoader(db, {
    query: (d) => {
      const qb = d.manager.createQueryBuilder(Run, 'r');
      if (p.filter?.status) qb.andWhere('r.status = :status', { status: p.filter.status });
      return qb;
    },
    parentProperty: 'experimentId',
    sort: { property: 'id', direction: SortDirection.DESC },
  }, p.page),
);

/** Dataset version ids a run consumed. */
export const inputIdsByRun = defineLoader('inputIdsByRun', groupLoader<string, RunInput>(
  (db, runIds) => db.manager.find(RunInput, { where: { runId: In([...runIds]) }, order: { datasetVersionId: 'ASC' } }),
  (r) => r.runId,
));

/** DatasetVersion.consumedBy pages: the runs that read each dataset version, oldest first. */
export const consumerPages = defineLoader('consumerPages', (db, page: PageArgs) =>
  childPageLoader(db, {
    query: (d) => d.manager.createQueryBuilder(Run, 'r').innerJoin(RunInput, 'ri', 'ri.runId = r.id'),
    parentColumn: 'ri.dataset_version_id',
    sort: { property: 'id', direction: SortDirection.ASC },
  }, page),
);

/** Run.metricHistory pages: the points of one key, in logging order. */
export const metricHistoryPages = defineLoader('metricHistoryPages', (db, p: { page: PageArgs; key: string }) =>
  childPageLoader(db, {
    query: (d) => d.manager.createQueryBuilder(Metric, 'm').where('m.key = :metricKey', { metricKey: p.key }),
    parentProperty: 'entityId',
    sort: { property: 'id', direction: SortDirection.ASC },
  }, p.page),
);
