import { Directive, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, Unique, type Relation } from 'typeorm';
import { BaseRecord, Node } from '../common/base.entity';
import { EnumCheck } from '../db/constraints';
import { LIMITS } from '../common/validation';
import { Model } from '../model/model.entity';
import { ModelVersion } from '../model-version/model-version.entity';
import { ConnectionType } from '../common/pagination';

export enum DeploymentStatus {
  ACTIVE = 'ACTIVE',
  RETIRED = 'RETIRED',
}
registerEnumType(DeploymentStatus, { name: 'DeploymentStatus' });

@ObjectType({ implements: Node, description: 'A serving endpoint of a model in an environment' })
@Directive('@key(fields: "id")')
@Entity('deployment')
@Unique('UQ_deployment_name', ['name'])
@Index('IDX_deployment_model', ['modelId'])
@EnumCheck('deployment', 'status', DeploymentStatus)
export class Deployment extends BaseRecord {
  @Field()
  @Column({ type: 'varchar', length: LIMITS.name })
  name: string;

  @Column({ name: 'model_id', type: 'varchar', length: 40 })
  modelId: string;

  @ManyToOne(() => Model, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION', nullable: false })
  @JoinColumn({ name: 'model_id' })
  modelRow?: Relation<Model>;

  @Field({ description: 'e.g. production, staging, eu-west' })
  @Column({ type: 'varchar', length: LIMITS.environment })
  environment: string;

  @Field(() => String, { nullable: true })
  @Column({ name: 'endpoint_url', type: 'varchar', length: LIMITS.uri, nullable: true })
  endpointUrl: string | null;

  @Field(() => DeploymentStatus)
  @Column({ type: 'varchar', length: 16 })
  status: DeploymentStatus;

  @Field(() => Int, { description: 'The current revision; 0 until the first deploy' })
  @Column({ type: 'integer', default: 0 })
  revision: number;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description: string | null;
}

export const DeploymentConnection = ConnectionType('Deployment', Deployment);

@ObjectType({ description: 'The share of a deployment\'s traffic a model version serves' })
export class TrafficShare {
  @Field(() => ModelVersion)
  version: ModelVersion;

  @Field(() => Int)
  percent: number;
}
