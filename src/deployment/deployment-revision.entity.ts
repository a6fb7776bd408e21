import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, ForeignKey, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { CASCADE, EnumCheck, RESTRICT } from '../db/constraints';
import { ModelVersion } from '../model-version/model-version.entity';
import { Deployment } from './deployment.entity';
import { DateColumn } from '../common/base.entity';
import { ConnectionType } from '../common/pagination';
import { LIMITS } from '../common/validation';

export enum DeploymentRevisionKind {
  DEPLOY = 'DEPLOY',
  ROLLBACK = 'ROLLBACK',
  RETIRE = 'RETIRE',
}
registerEnumType(DeploymentRevisionKind, { name: 'DeploymentRevisionKind' });

/** One immutable revision of a deployment's traffic split. */
@ObjectType({ description: 'A deployment revision: the traffic split from `createdAt` until the next revision' })
@Entity('deployment_revision')
@Unique('UQ_deployment_revision', ['deploymentId', 'revision'])
@Index('IDX_deployment_revision_at', ['deploymentId', 'createdAt'])
@EnumCheck('deployment_revision', 'kind', DeploymentRevisionKind)
export class DeploymentRevision {
  /** A database sequence: the order of revisions across all deployments. */
  @PrimaryGeneratedColumn({ name: 'seq', type: 'integer' })
  sequence: number;

  @ForeignKey(() => Deployment, RESTRICT)
  @Column({ name: 'deployment_id', type: 'varchar', length: 40 })
  deploymentId: string;

  @Field(() => Int)
  @Column({ type: 'integer' })
  revision: number;

  @Field(() => DeploymentRevisionKind)
  @Column({ type: 'varchar', length: 16 })
  kind: DeploymentRevisionKind;

  @Field(() => Int, { nullable: true, description: 'For a rollback: the revision whose traffic was copied' })
  @Column({ name: 'rolled_back_to', type: 'integer', nullable: true })
  rolledBackTo: number | null;

  @Field()
  @Column({ type: 'varchar', length: LIMITS.name })
  actor: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  comment: string | null;

  @Field(() => Date)
  @DateColumn('at')
  createdAt: Date;
}

/** The traffic rows of one revision. */
@Entity('deployment_traffic')
@Index('IDX_deployment_traffic_version', ['versionId'])
@ForeignKey(() => DeploymentRevision, ['deploymentId', 'revision'], ['deploymentId', 'revision'], CASCADE)
export class TrafficRow {
  @PrimaryColumn({ name: 'deployment_id', type: 'varchar', length: 40 })
  deploymentId: string;

  @PrimaryColumn({ type: 'integer' })
  revision: number;

  @ForeignKey(() => ModelVersion, RESTRICT)
  @PrimaryColumn({ name: 'version_id', type: 'varchar', length: 40 })
  versionId: string;

  @Column({ type: 'integer' })
  percent: number;
}

export const DeploymentRevisionConnection = ConnectionType('DeploymentRevision', DeploymentRevision);
