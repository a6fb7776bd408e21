import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { RESTRICT } from '../db/constraints';
import { Model } from '../model/model.entity';
import { DateColumn } from '../common/base.entity';
import { LIMITS } from '../common/validation';

/** A model's promotion policy; it binds every role, ADMIN included. */
@ObjectType({ description: 'Approvals a model requires before PRODUCTION or a protected alias changes' })
@Entity('model_policy')
export class ModelPolicy {
  @ForeignKey(() => Model, RESTRICT)
  @PrimaryColumn({ name: 'model_id', type: 'varchar', length: 40 })
  modelId: string;

  @Field(() => Int, { description: 'Approvals (by principals other than the requester) needed for PRODUCTION and protected aliases; 0 = none' })
  @Column({ name: 'required_approvals', type: 'integer', default: 0 })
  requiredApprovals: number;

  @Field(() => [String], { description: 'Aliases that move only through an approved request' })
  @Column({ name: 'protected_aliases', type: 'json' })
  protectedAliases: string[];

  @Field()
  @Column({ name: 'updated_by', type: 'varchar', length: LIMITS.name })
  updatedBy: string;

  @Field(() => Date)
  @DateColumn('updated_at')
  updatedAt: Date;
}
