import { childPageLoader, SortDirection, type PageArgs } from '../common/pagination';
import { defineLoader } from '../common/loaders';
import { Evaluation } from './evaluation.entity';

/** ModelVersion.evaluations pages, oldest first, batched across versions in one windowed statement. */
export const evaluationPages = defineLoader('evaluationPages', (db, page: PageArgs) =>
  childPageLoader(db, {
    query: (d) => d.manager.createQueryBuilder(Evaluation, 'ev'),
    parentProperty: 'versionId',
    sort: { property: 'id', direction: SortDirection.ASC },
  }, page),
);
