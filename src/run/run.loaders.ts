import { In } from 'typeorm';
import { byIdLoader, defineLoader, groupLoader } from '../common/loaders';
import { childPageLoader, SortDirection, type PageArgs } from '../common/pagination';
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

/** Which runs consumed each dataset version (link rows; the runs come from runById). */
export const consumersOf = defineLoader('consumersOf', groupLoader<string, RunInput>(
  (db, dsvIds) => db.manager.find(RunInput, { where: { datasetVersionId: In([...dsvIds]) }, order: { runId: 'ASC' } }),
  (r) => r.datasetVersionId,
));
