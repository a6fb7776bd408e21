import { Directive, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { CASCADE, EnumCheck, RESTRICT } from '../db/constraints';
import { Model } from '../model/model.entity';
import { BaseRecord, DateColumn, Node } from '../common/base.entity';
import { ConnectionType } from '../common/pagination';
import { LIMITS } from '../common/validation';
import { ModelVersion, Stage } from '../model-version/model-version.entity';
import { ALIAS_MAX } from './alias.entity';

export enum TransitionRequestStatus {
  PENDING = 'PENDING',
  APPLIED = 'APPLIED',
  REJECTED = 'REJECTED',
}
registerEnumType(TransitionRequestStatus, { name: 'TransitionRequestStatus' });

export enum ReviewDecision {
  APPROVE = 'APPROVE',
  REJECT = 'REJECT',
}
registerEnumType(ReviewDecision, { name: 'ReviewDecision' });

/** A request to move a version into a stage (or a protected alias onto it), applied at quorum. */
@ObjectType({ implements: Node, description: 'A change waiting for approvals: a stage transition or a protected alias move' })
@Directive('@key(fields: "id")')
@Entity('transition_request')
@Index('IDX_transition_request_model', ['modelId', 'status', 'id'])
@Index('IDX_transition_request_version', ['versionId', 'status'])
@Index('IDX_transition_request_status', ['status', 'id'])
@EnumCheck('transition_request', 'stage', Stage)
@EnumCheck('transition_request', 'status', TransitionRequestStatus)
export class TransitionRequest extends BaseRecord {
  @ForeignKey(() => Model, RESTRICT)
  @Column({ name: 'model_id', type: 'varchar', length: 40 })
  modelId: string;

  @ForeignKey(() => ModelVersion, RESTRICT)
  @Column({ name: 'version_id', type: 'varchar', length: 40 })
  versionId: string;

  @Field(() => Stage, { nullable: true, description: 'The stage asked for (null for an alias request)' })
  @Column({ type: 'varchar', length: 16, nullable: true })
  stage: Stage | null;

  @Field(() => String, { nullable: true, description: 'The alias asked for (null for a stage request)' })
  @Column({ type: 'varchar', length: ALIAS_MAX, nullable: true })
  alias: string | null;

  @Field(() => TransitionRequestStatus)
  @Column({ type: 'varchar', length: 16 })
  status: TransitionRequestStatus;

  @Field()
  @Column({ name: 'requested_by', type: 'varchar', length: LIMITS.name })
  requestedBy: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  comment: string | null;

  @Field(() => Int, { description: 'Approvals needed (fixed when the request was made)' })
  @Column({ name: 'required_approvals', type: 'integer' })
  requiredApprovals: number;

  @Field(() => Date, { nullable: true })
  @DateColumn('decided_at', { nullable: true })
  decidedAt: Date | null;
}

@ObjectType({ description: 'One principal\'s approval or rejection of a request' })
@Entity('transition_review')
@EnumCheck('transition_review', 'decision', ReviewDecision)
export class TransitionReview {
  @ForeignKey(() => TransitionRequest, CASCADE)
  @PrimaryColumn({ name: 'request_id', type: 'varchar', length: 40 })
  requestId: string;

  @Field()
  @PrimaryColumn({ type: 'varchar', length: LIMITS.name })
  actor: string;

  @Field(() => ReviewDecision)
  @Column({ type: 'varchar', length: 16 })
  decision: ReviewDecision;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  comment: string | null;

  @Field(() => Date)
  @DateColumn('at')
  at: Date;
}

export const TransitionRequestConnection = ConnectionType('TransitionRequest', TransitionRequest);
