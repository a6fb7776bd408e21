import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity, ForeignKey, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { RESTRICT } from '../db/constraints';
import { Model } from '../model/model.entity';
import { ModelVersion } from '../model-version/model-version.entity';
import { DateColumn } from '../common/base.entity';
import { LIMITS } from '../common/validation';
import { ConnectionType } from '../common/pagination';

export const ALIAS_MAX = 100;

/** Where each alias of a model points now (history in alias_event). */
@Entity('model_alias')
@Index('IDX_model_alias_version', ['versionId'])
export class ModelAliasRow {
  @ForeignKey(() => Model, RESTRICT)
  @PrimaryColumn({ name: 'model_id', type: 'varchar', length: 40 })
  modelId: string;

  @PrimaryColumn({ type: 'varchar', length: ALIAS_MAX })
  name: string;

  @ForeignKey(() => ModelVersion, RESTRICT)
  @Column({ name: 'version_id', type: 'varchar', length: 40 })
  versionId: string;

  @DateColumn('updated_at')
  updatedAt: Date;
}

/** One alias change: set (versionId) or deleted (versionId null). Append-only. */
@ObjectType({ description: 'An alias change: who moved which alias from where to where' })
@Entity('alias_event')
@Index('IDX_alias_event_model', ['modelId', 'alias', 'sequence'])
export class AliasEvent {
  @Field(() => Int)
  @PrimaryGeneratedColumn({ name: 'seq', type: 'integer' })
  sequence: number;

  @ForeignKey(() => Model, RESTRICT)
  @Column({ name: 'model_id', type: 'varchar', length: 40 })
  modelId: string;

  @Field()
  @Column({ type: 'varchar', length: ALIAS_MAX })
  alias: string;

  @ForeignKey(() => ModelVersion, RESTRICT)
  @Column({ name: 'version_id', type: 'varchar', length: 40, nullable: true })
  versionId: string | null;

  @ForeignKey(() => ModelVersion, RESTRICT)
  @Column({ name: 'previous_version_id', type: 'varchar', length: 40, nullable: true })
  previousVersionId: string | null;

  @Field()
  @Column({ type: 'varchar', length: LIMITS.name })
  actor: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  comment: string | null;

  @Field(() => Date)
  @DateColumn('at')
  at: Date;
}

export const AliasEventConnection = ConnectionType('AliasEvent', AliasEvent);

@ObjectType({ description: 'A named pointer to a version of a model' })
export class ModelAlias {
  @Field()
  name: string;

  versionId: string;

  @Field(() => Date)
  updatedAt: Date;
}
