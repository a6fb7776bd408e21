import type { SelectQueryBuilder } from 'typeorm';
import type { Database } from '../db/database';
import { requireActive } from '../common/archival';
import { lock } from '../common/lock';
import { EventType } from '../audit/event-type';
import { NamedAggregateService } from '../common/named-aggregate.service';
import { Model } from '../model/model.entity';
import { Deployment, DeploymentStatus } from './deployment.entity';
import type { CreateDeploymentInput, DeploymentFilter } from './deployment.inputs';

export class DeploymentService extends NamedAggregateService<Deployment, CreateDeploymentInput, DeploymentFilter> {
  constructor(db: Database) {
    super(db, { entity: Deployment, type: 'Deployment', mutation: 'createDeployment', noun: 'A deployment', event: EventType.DEPLOYMENT_CREATED });
  }

  /** A new deployment serves nothing yet: revision 0, no traffic. Its model is locked: one being archived takes none. */
  protected async columns(input: CreateDeploymentInput): Promise<Partial<Deployment>> {
    requireActive(await lock(this.db, Model, input.modelId, 'input.modelId'), 'Model');
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
