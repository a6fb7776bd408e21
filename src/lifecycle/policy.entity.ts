import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { RESTRICT } from '../db/constraints';
import { Model } from '../model/model.entity';
import { DateColumn } from '../common/base.entity';
import { LIMITS } from '../common/validation';
import { Stage } from '../model-version/model-version.entity';

/** Where `deploy` may route traffic when the policy does not say: every stage but ARCHIVED. */
export const DEFAULT_DEPLOYABLE_STAGES: readonly Stage[] = [Stage.NONE, Stage.STAGING, Stage.PRODUCTION];

/** A model's promotion and deployment policy; it binds every role, ADMIN included. */
@ObjectType({ description: 'Approvals a model requires before PRODUCTION or a protected alias changes, and the stages it deploys from' })
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

  /** Null: never set (the default applies). */
  @Column({ name: 'deployable_stages', type: 'json', nullable: true })
  storedDeployableStages: Stage[] | null;

  @Field(() => [Stage], { description: 'Stages a version must be in for deploy to route traffic to it (default: all but ARCHIVED); rollbacks are not checked' })
  get deployableStages(): Stage[] {
    return [...(this.storedDeployableStages ?? DEFAULT_DEPLOYABLE_STAGES)];
  }

  @Field(() => String, { nullable: true, description: 'Who last set the policy; null while the model has none (these are the defaults)' })
  @Column({ name: 'updated_by', type: 'varchar', length: LIMITS.name })
  updatedBy: string | null;

  @Field(() => Date, { nullable: true, description: 'Null while the model has none' })
  @DateColumn('updated_at')
  updatedAt: Date | null;
}

/** The policy of a model that has none stored: no approvals, no protected aliases, the default stages. */
export function defaultPolicy(modelId: string): ModelPolicy {
  return Object.assign(new ModelPolicy(), {
    modelId, requiredApprovals: 0, protectedAliases: [], storedDeployableStages: null, updatedBy: null, updatedAt: null,
  });
}
