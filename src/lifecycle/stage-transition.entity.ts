import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EnumCheck, RESTRICT } from '../db/constraints';
import { Model } from '../model/model.entity';
import { TransitionRequest } from './transition-request.entity';
import { DateColumn } from '../common/base.entity';
import { ConnectionType } from '../common/pagination';
import { LIMITS } from '../common/validation';
import { ModelVersion, Stage } from '../model-version/model-version.entity';

export enum TransitionKind {
  CREATED = 'CREATED',
  TRANSITION = 'TRANSITION',
  ARCHIVED_BY_PROMOTION = 'ARCHIVED_BY_PROMOTION',
  ROLLBACK = 'ROLLBACK',
}
registerEnumType(TransitionKind, {
  name: 'TransitionKind',
  valuesConfig: {
    CREATED: { description: 'The version was registered (in NONE)' },
    TRANSITION: { description: 'transitionStage, or an approved request' },
    ARCHIVED_BY_PROMOTION: { description: 'Left PRODUCTION because another version was promoted' },
    ROLLBACK: { description: 'rollbackStage: restored, or rolled back away from' },
  },
});

/** One stage change of one version: append-only, ordered by `sequence` (a database sequence). */
@ObjectType({ description: 'A stage change: who, when, why, from and to' })
@Entity('stage_transition')
@Index('IDX_stage_transition_model', ['modelId', 'sequence'])
@Index('IDX_stage_transition_version', ['versionId', 'sequence'])
@EnumCheck('stage_transition', 'from_stage', Stage)
@EnumCheck('stage_transition', 'to_stage', Stage)
@EnumCheck('stage_transition', 'kind', TransitionKind)
export class StageTransition {
  @Field(() => Int, { description: 'Global order of history rows' })
  @PrimaryGeneratedColumn({ name: 'seq', type: 'integer' })
  sequence: number;

  @ForeignKey(() => Model, RESTRICT)
  @Column({ name: 'model_id', type: 'varchar', length: 40 })
  modelId: string;

  @ForeignKey(() => ModelVersion, RESTRICT)
  @Column({ name: 'version_id', type: 'varchar', length: 40 })
  versionId: string;

  @Field(() => Stage, { nullable: true, description: 'Null for the registration row' })
  @Column({ name: 'from_stage', type: 'varchar', length: 16, nullable: true })
  fromStage: Stage | null;

  @Field(() => Stage)
  @Column({ name: 'to_stage', type: 'varchar', length: 16 })
  toStage: Stage;

  @Field(() => TransitionKind)
  @Column({ type: 'varchar', length: 24 })
  kind: TransitionKind;

  @Field()
  @Column({ type: 'varchar', length: LIMITS.name })
  actor: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  comment: string | null;

  @ForeignKey(() => TransitionRequest, RESTRICT)
  @Column({ name: 'request_id', type: 'varchar', length: 40, nullable: true })
  requestId: string | null;

  @Field(() => Date)
  @DateColumn('at')
  at: Date;
}

export const StageTransitionConnection = ConnectionType('StageTransition', StageTransition);
