import type { Database } from '../db/database';
import { now } from '../common/base.entity';
import { ConflictError } from '../common/errors';
import { applyNamedFilter, namedSort, type NamedOrder } from '../common/filters';
import { newId } from '../common/ids';
import { createOnce } from '../common/idempotency';
import { paginate, type Page, type PageArgs } from '../common/pagination';
import { insertTags } from '../common/tags';
import { Model } from './model.entity';
import type { ModelFilter, RegisterModelInput } from './model.inputs';

export class ModelService {
  constructor(private readonly db: Database) {}

  register(input: RegisterModelInput, actor: string): Promise<Model> {
    return createOnce(this.db, {
      mutation: 'registerModel',
      actor,
      input,
      id: newId('Model'),
      find: (id) => this.db.manager.findOneBy(Model, { id }),
      onConflict: () => new ConflictError(`A model named ${JSON.stringify(input.name)} already exists`, 'input.name'),
      create: async (em, id) => {
        const at = now();
        const model = em.create(Model, {
          id, name: input.name, description: input.description ?? null, versioningScheme: input.versioningScheme,
          versionCount: 0, latestVersion: null, createdAt: at, updatedAt: at,
        });
        await em.insert(Model, model);
        await insertTags(em, id, input.tags);
        return model;
      },
    });
  }

  list(args: PageArgs, filter?: ModelFilter | null, order?: NamedOrder | null): Promise<Page<Model>> {
    return paginate(applyNamedFilter(this.db.manager.createQueryBuilder(Model, 'm'), filter), namedSort<Model>(order), args);
  }
}
