import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, ForeignKey, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { DateColumn } from '../common/base.entity';
import { LIMITS } from '../common/validation';
import { RESTRICT } from '../db/constraints';
import { Model } from '../model/model.entity';
import { Role } from './role';

/** A subject's role on one model: its effective role there is the higher of this and its global role. */
@ObjectType({ description: 'A role a subject holds on one model only (raising, never lowering, its global role)' })
@Entity('model_grant')
@Unique('UQ_model_grant', ['modelId', 'subject'])
export class ModelGrant {
  @PrimaryGeneratedColumn({ name: 'seq', type: 'integer' })
  seq: number;

  @Field(() => ID)
  @ForeignKey(() => Model, RESTRICT)
  @Column({ name: 'model_id', type: 'varchar', length: 40 })
  modelId: string;

  @Field()
  @Column({ type: 'varchar', length: LIMITS.name })
  subject: string;

  @Field(() => Role)
  @Column({ type: 'varchar', length: 16 })
  role: Role;

  @Field()
  @Column({ name: 'granted_by', type: 'varchar', length: LIMITS.name })
  grantedBy: string;

  @Field(() => Date)
  @DateColumn('granted_at')
  grantedAt: Date;
}
