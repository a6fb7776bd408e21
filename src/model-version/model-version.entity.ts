import { Directive, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique, type Relation } from 'typeorm';
import { BaseRecord, Node } from '../common/base.entity';
import { EnumCheck } from '../db/constraints';
import { JSONScalar, type JsonValue } from '../common/scalars';
import { LIMITS } from '../common/validation';
import { ConnectionType } from '../common/pagination';
import { DatasetVersion } from '../dataset/dataset.entity';
import { Model } from '../model/model.entity';
import { Run } from '../run/run.entity';

export enum Stage {
  NONE = 'NONE',
  STAGING = 'STAGING',
  PRODUCTION = 'PRODUCTION',
  ARCHIVED = 'ARCHIVED',
}
registerEnumType(Stage, { name: 'Stage' });

export enum DatasetRole {
  TRAINING = 'TRAINING',
  VALIDATION = 'VALIDATION',
  TEST = 'TEST',
  EVALUATION = 'EVALUATION',
  OTHER = 'OTHER',
}
registerEnumType(DatasetRole, { name: 'DatasetRole' });

@ObjectType({ implements: Node, description: 'One immutable registered artifact of a model, with its lineage' })
@Directive('@key(fields: "id")')
@Entity('model_version')
@Unique('UQ_model_version_label', ['modelId', 'version'])
@Unique('UQ_model_version_sequence', ['modelId', 'sequence'])
@Index('IDX_model_version_run', ['runId'])
@Index('IDX_model_version_parent', ['parentId'])
@Index('IDX_model_version_stage', ['modelId', 'stage'])
@EnumCheck('model_version', 'stage', Stage)
export class ModelVersion extends BaseRecord {
  @Column({ name: 'model_id', type: 'varchar', length: 40 })
  modelId: string;

  @ManyToOne(() => Model, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION', nullable: false })
  @JoinColumn({ name: 'model_id' })
  modelRow?: Relation<Model>;

  @Field({ description: 'The label in the model\'s versioning scheme: 3, 1.4.0, 2026.11.27.120501' })
  @Column({ type: 'varchar', length: LIMITS.version })
  version: string;

  @Field(() => Int, { description: '1, 2, 3… per model in creation order, gap-free' })
  @Column({ type: 'integer' })
  sequence: number;

  @Field(() => Stage)
  @Column({ type: 'varchar', length: 16 })
  stage: Stage;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Field()
  @Column({ name: 'artifact_uri', type: 'varchar', length: LIMITS.uri })
  artifactUri: string;

  @Field(() => String, { nullable: true })
  @Column({ name: 'artifact_digest', type: 'varchar', length: 140, nullable: true })
  artifactDigest: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: LIMITS.framework, nullable: true })
  framework: string | null;

  @Field(() => JSONScalar, { nullable: true })
  @Column({ type: 'json', nullable: true })
  hyperparameters: JsonValue | null;

  /** Its own hyperparameters, else its run's params (`effectiveHyperparametersOf`), fixed at registration; what search matches. */
  @Column({ name: 'effective_hyperparameters', type: 'json', nullable: true })
  effectiveHyperparameters: JsonValue | null;

  @Field(() => JSONScalar, { nullable: true, description: 'The model\'s input/output schema (columns or tensors with types and shapes)' })
  @Column({ type: 'json', nullable: true })
  signature: JsonValue | null;

  @Field(() => String, { nullable: true })
  @Column({ name: 'git_repo', type: 'varchar', length: LIMITS.uri, nullable: true })
  gitRepo: string | null;

  @Field(() => String, { nullable: true })
  @Column({ name: 'git_commit', type: 'varchar', length: 64, nullable: true })
  gitCommit: string | null;

  @Column({ name: 'run_id', type: 'varchar', length: 40, nullable: true })
  runId: string | null;

  @ManyToOne(() => Run, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION', nullable: true })
  @JoinColumn({ name: 'run_id' })
  runRow?: Relation<Run>;

  @Column({ name: 'parent_id', type: 'varchar', length: 40, nullable: true })
  parentId: string | null;

  @ManyToOne(() => ModelVersion, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION', nullable: true })
  @JoinColumn({ name: 'parent_id' })
  parentRow?: Relation<ModelVersion>;

  @Field()
  @Column({ name: 'created_by', type: 'varchar', length: LIMITS.name })
  createdBy: string;
}

/** model version ← dataset version it was trained / validated / tested on. */
@Entity('model_version_dataset')
@Index('IDX_model_version_dataset_dsv', ['datasetVersionId'])
@EnumCheck('model_version_dataset', 'role', DatasetRole)
export class ModelVersionDataset {
  @PrimaryColumn({ name: 'model_version_id', type: 'varchar', length: 40 })
  modelVersionId: string;

  @PrimaryColumn({ name: 'dataset_version_id', type: 'varchar', length: 40 })
  datasetVersionId: string;

  @Column({ type: 'varchar', length: 16 })
  role: DatasetRole;

  @ManyToOne(() => ModelVersion, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'model_version_id' })
  modelVersion?: Relation<ModelVersion>;

  @ManyToOne(() => DatasetVersion, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'dataset_version_id' })
  datasetVersion?: Relation<DatasetVersion>;
}

export const ModelVersionConnection = ConnectionType('ModelVersion', ModelVersion);

@ObjectType({ description: 'A dataset version a model version used, and in which role' })
export class DatasetUsage {
  @Field(() => DatasetRole)
  role: DatasetRole;

  @Field(() => DatasetVersion)
  datasetVersion: DatasetVersion;
}
