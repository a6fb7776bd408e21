import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import type { Database } from '../db/database';
import { EventType } from '../audit/event-type';
import { requireRow } from '../common/lookup';
import { NamedAggregateService } from '../common/named-aggregate.service';
import { Model } from '../model/model.entity';
import { Deployment, DeploymentStatus } from './deployment.entity';
import type { CreateDeploymentInput, DeploymentFilter } from './deployment.inputs';

export class DeploymentService extends NamedAggregateService<Deployment, CreateDeploymentInput, DeploymentFilter> {
  constructor(db: Database) {
    super(db, { entity: Deployment, type: 'Deployment', mutation: 'createDeployment', noun: 'A deployment', event: EventType.DEPLOYMENT_CREATED });
  }

  /** A new deployment serves nothing yet: revision 0, no traffic. */
  protected async columns(input: CreateDeploymentInput, em: EntityManager): Promise<Partial<Deployment>> {
    await requireRow(em, Model, 'Model', input.modelId, 'input.modelId');
    return {
      modelId: input.modelId, environment: input.environment, endpointUrl: input.endpointUrl ?? null,
      status: DeploymentStatus.ACTIVE, revision: 0,
    };
  }

  protected override filter(qb: SelectQueryBuilder<Deployment>, filter: DeploymentFilter): void {
    const a = qb.alias;
    if (filter.modelId) qb.andWhere(`${a}.modelId = :modelId`, { modelId: filter.modelId });
    if (filter.environment) qb.andWhere(`${a}.environment = :environment`, { environment: filter.environment });
    if (filter.status) qb.andWhere(`${a}.status = :status`, { status: filter.status });
  }
}
