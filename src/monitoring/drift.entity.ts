import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, ForeignKey, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { DateColumn } from '../common/base.entity';
import { LIMITS } from '../common/validation';
import { RESTRICT } from '../db/constraints';
import { Deployment } from '../deployment/deployment.entity';
import { ModelVersion } from '../model-version/model-version.entity';

/** One production metric sample of a deployment (recordDeploymentMetrics); pruned after the retention. */
@Entity('deployment_metric_sample')
// The latest N samples of (deployment, version, key): one backwards range of this index.
@Index('IDX_deployment_metric_sample_latest', ['deploymentId', 'versionId', 'key', 'at', 'id'])
@Index('IDX_deployment_metric_sample_at', ['at'])
export class DeploymentMetricSample {
  @PrimaryGeneratedColumn({ name: 'id', type: 'integer' })
  id: number;

  @ForeignKey(() => Deployment, RESTRICT)
  @Column({ name: 'deployment_id', type: 'varchar', length: 40 })
  deploymentId: string;

  /** The served version the sample belongs to; null when recorded while the deployment served nothing. */
  @ForeignKey(() => ModelVersion, RESTRICT)
  @Column({ name: 'version_id', type: 'varchar', length: 40, nullable: true })
  versionId: string | null;

  @Column({ type: 'varchar', length: LIMITS.metricKey })
  key: string;

  @Column({ type: 'double' })
  value: number;

  @DateColumn('at')
  at: Date;
}

/** A drift rule of one metric of a deployment (setDriftPolicy). */
@ObjectType({ description: 'When a production metric of a deployment counts as drifting from its baseline' })
@Entity('drift_policy')
export class DriftPolicy {
  @ForeignKey(() => Deployment, RESTRICT)
  @PrimaryColumn({ name: 'deployment_id', type: 'varchar', length: 40 })
  deploymentId: string;

  @Field({ description: 'The metric key, as recorded with recordDeploymentMetrics' })
  @PrimaryColumn({ type: 'varchar', length: LIMITS.metricKey })
  metric: string;

  @Field(() => Float, { nullable: true, description: 'The value to compare with; null: each served version\'s own (its registration metric of this key, else its latest evaluation of it)' })
  @Column({ type: 'double', nullable: true })
  baseline: number | null;

  @Field(() => Float, { description: 'The largest relative move in the bad direction that is still OK (0.05 = 5%)' })
  @Column({ name: 'max_relative_drop', type: 'double' })
  maxRelativeDrop: number;

  @Field({ description: 'True when a higher value is better (accuracy), false when lower is (latency)' })
  @Column({ name: 'higher_is_better', type: 'boolean' })
  higherIsBetter: boolean;

  @Field(() => Int, { description: 'How many of the latest samples are averaged' })
  @Column({ name: 'sample_window', type: 'integer' })
  window: number;

  @Field()
  @Column({ name: 'updated_by', type: 'varchar', length: LIMITS.name })
  updatedBy: string;

  @Field(() => Date)
  @DateColumn('updated_at')
  updatedAt: Date;
}

/**
 * The last judged state of one (deployment, served version, metric): a write that changes it records
 * DRIFT_DETECTED or DRIFT_RESOLVED, once, under the deployment's row lock.
 */
@Entity('drift_state')
export class DriftStateRow {
  @ForeignKey(() => Deployment, RESTRICT)
  @PrimaryColumn({ name: 'deployment_id', type: 'varchar', length: 40 })
  deploymentId: string;

  @ForeignKey(() => ModelVersion, RESTRICT)
  @PrimaryColumn({ name: 'version_id', type: 'varchar', length: 40 })
  versionId: string;

  @PrimaryColumn({ type: 'varchar', length: LIMITS.metricKey })
  metric: string;

  @Column({ type: 'boolean' })
  drifting: boolean;

  @DateColumn('changed_at')
  changedAt: Date;
}

export enum DriftState {
  OK = 'OK',
  DRIFTING = 'DRIFTING',
  NO_DATA = 'NO_DATA',
}
registerEnumType(DriftState, {
  name: 'DriftState',
  description: 'OK: within every policy; DRIFTING: some check moved past its policy\'s threshold; NO_DATA: no check has a full window of samples and a baseline',
});

export enum DriftBaselineSource {
  POLICY = 'POLICY',
  REGISTRATION = 'REGISTRATION',
  EVALUATION = 'EVALUATION',
}
registerEnumType(DriftBaselineSource, { name: 'DriftBaselineSource', description: 'Where a drift check\'s baseline comes from' });

@ObjectType({ description: 'One drift policy judged on the samples of one served version' })
export class DriftCheck {
  @Field()
  metric: string;

  /** The served version (resolved through the request's loader). */
  versionId: string;

  @Field(() => Int, { description: 'The version\'s share of the current traffic' })
  percent: number;

  @Field(() => Float, { nullable: true, description: 'Null when the policy has none and the version has no metric of this key' })
  baseline: number | null;

  @Field(() => DriftBaselineSource, { nullable: true })
  baselineSource: DriftBaselineSource | null;

  @Field(() => Float, { nullable: true, description: 'The average of the latest `window` samples; null until there are that many' })
  current: number | null;

  @Field(() => Int)
  window: number;

  @Field(() => Int, { description: 'Samples of the window present (at most `window`)' })
  samples: number;

  @Field(() => Float, { nullable: true, description: '(current − baseline) / |baseline|, signed; null without both or with baseline 0' })
  relativeChange: number | null;

  @Field(() => Float)
  maxRelativeDrop: number;

  @Field()
  higherIsBetter: boolean;

  @Field({ description: 'The relative move in the bad direction exceeds maxRelativeDrop' })
  drifting: boolean;

  @Field(() => DriftState)
  status: DriftState;

  @Field(() => Date, { nullable: true, description: 'The newest sample of the window' })
  lastSampleAt: Date | null;
}

@ObjectType({ description: 'A deployment\'s production metrics against its drift policies' })
export class DriftStatus {
  @Field(() => DriftState)
  status: DriftState;

  @Field(() => [DriftCheck], { description: 'Per policy (by metric) and served version (by traffic share)' })
  checks: DriftCheck[];
}
