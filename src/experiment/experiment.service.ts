import type { Database } from '../db/database';
import { now } from '../common/base.entity';
import { ConflictError } from '../common/errors';
import { applyNamedFilter, namedSort, type NamedOrder } from '../common/filters';
import { newId } from '../common/ids';
import { createOnce } from '../common/idempotency';
import { paginate, type Page, type PageArgs } from '../common/pagination';
import { insertTags } from '../common/tags';
import { Experiment } from './experiment.entity';
import type { CreateExperimentInput, ExperimentFilter } from './experiment.inputs';

export class ExperimentService {
  constructor(private readonly db: Database) {}

  create(input: CreateExperimentInput, actor: string): Promise<Experiment> {
    return createOnce(this.db, {
      mutation: 'createExperiment',
      actor,
      input,
      id: newId('Experiment'),
      find: (id) => this.db.manager.findOneBy(Experiment, { id }),
      onConflict: () => new ConflictError(`An experiment named ${JSON.stringify(input.name)} already exists`, 'input.name'),
      create: async (em, id) => {
        const at = now();
        const experiment = em.create(Experiment, {
          id, name: input.name, description: input.description ?? null, createdAt: at, updatedAt: at,
        });
        await em.insert(Experiment, experiment);
        await insertTags(em, id, input.tags);
        return experiment;
      },
    });
  }

  list(args: PageArgs, filter?: ExperimentFilter | null, order?: NamedOrder | null): Promise<Page<Experiment>> {
    const qb = applyNamedFilter(this.db.manager.createQueryBuilder(Experiment, 'e'), filter);
    return paginate(qb, namedSort<Experiment>(order), args);
  }
}
