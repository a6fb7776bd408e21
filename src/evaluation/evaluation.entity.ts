import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { DateColumn } from '../common/base.entity';
import { ConnectionType } from '../common/pagination';
import { LIMITS } from '../common/validation';
import { DatasetVersion } from '../dataset/dataset.entity';
import { ModelVersion } from '../model-version/model-version.entity';

/**
 * Metrics measured on a registered version after registration, on one dataset version. Its points live in
 * the shared `metric` table under the evaluation's id, so the version's registered metrics never change.
 */
@ObjectType({ description: 'Metrics of a registered version measured later on one dataset version' })
@Entity('evaluation')
@Index('IDX_evaluation_version', ['versionId', 'id'])
@Index('IDX_evaluation_dataset_version', ['datasetVersionId', 'versionId'])
export class Evaluation {
  @Field(() => ID)
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ name: 'version_id', type: 'varchar', length: 40 })
  versionId: string;

  @ManyToOne(() => ModelVersion, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION', nullable: false })
  @JoinColumn({ name: 'version_id' })
  versionRow?: Relation<ModelVersion>;

  @Column({ name: 'dataset_version_id', type: 'varchar', length: 40 })
  datasetVersionId: string;

  @ManyToOne(() => DatasetVersion, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION', nullable: false })
  @JoinColumn({ name: 'dataset_version_id' })
  datasetVersionRow?: Relation<DatasetVersion>;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'integer', nullable: true })
  step: number | null;

  @Field(() => Date)
  @DateColumn('created_at')
  createdAt: Date;

  @Field()
  @Column({ name: 'created_by', type: 'varchar', length: LIMITS.name })
  createdBy: string;
}

export const EvaluationConnection = ConnectionType('Evaluation', Evaluation);

/** One value of a metric key on a version: at registration, or from an evaluation on a dataset version. */
@ObjectType({ description: 'One value of a metric key on a version of the model' })
export class MetricPoint {
  /** The metric row's id: the cursor's tie-breaker (not exposed). */
  metricId: number;

  /** The version's sequence and `step:metricId`: the two halves of the cursor. */
  sequence: number;

  cursorKey: string;

  versionId: string;

  datasetVersionId: string | null;

  @Field(() => Float)
  value: number;

  @Field(() => Int, { nullable: true })
  step: number | null;

  @Field(() => Date, { description: 'When the value was logged' })
  at: Date;
}

export const MetricPointConnection = ConnectionType('MetricPoint', MetricPoint);
