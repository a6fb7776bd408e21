import type { Database } from '../db/database';
import { now } from '../common/base.entity';
import { ConflictError } from '../common/errors';
import { applyNamedFilter, namedSort, type NamedOrder } from '../common/filters';
import { newId } from '../common/ids';
import { createOnce } from '../common/idempotency';
import { requireRow } from '../common/lookup';
import { paginate, type Page, type PageArgs } from '../common/pagination';
import { insertTags } from '../common/tags';
import { Model } from '../model/model.entity';
import { Deployment, DeploymentStatus } from './deployment.entity';
import type { CreateDeploymentInput, DeploymentFilter } from './deployment.inputs';

export class DeploymentService {
  constructor(private readonly db: Database) {}

  /** A new deployment serves nothing yet: revision 0, no traffic. */
  create(input: CreateDeploymentInput, actor: string): Promise<Deployment> {
    return createOnce(this.db, {
      mutation: 'createDeployment',
      actor,
      input,
      id: newId('Deployment'),
      find: (id) => this.db.manager.findOneBy(Deployment, { id }),
      onConflict: () => new ConflictError(`A deployment named ${JSON.stringify(input.name)} already exists`, 'input.name'),
      create: async (em, id) => {
        await requireRow(em, Model, 'Model', input.modelId, 'input.modelId');
        const at = now();
        const deployment = em.create(Deployment, {
          id, name: input.name, modelId: input.modelId, environment: input.environment, endpointUrl: input.endpointUrl ?? null,
          status: DeploymentStatus.ACTIVE, revision: 0, description: input.description ?? null, createdAt: at, updatedAt: at,
        });
        await em.insert(Deployment, deployment);
        await insertTags(em, id, input.tags);
        return deployment;
      },
    });
  }

  list(args: PageArgs, filter?: DeploymentFilter | null, order?: NamedOrder | null): Promise<Page<Deployment>> {
    const qb = applyNamedFilter(this.db.manager.createQueryBuilder(Deployment, 'd'), filter);
    if (filter?.modelId) qb.andWhere('d.modelId = :modelId', { modelId: filter.modelId });
    if (filter?.environment) qb.andWhere('d.environment = :environment', { environment: filter.environment });
    if (filter?.status) qb.andWhere('d.status = :status', { status: filter.status });
    return paginate(qb, namedSort<Deployment>(order), args);
  }
}
