import { Directive, Field, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { BaseRecord, DateColumn, Node } from '../common/base.entity';
import { EnumCheck } from '../db/constraints';
import { JSONScalar, type JsonValue } from '../common/scalars';
import { LIMITS } from '../common/validation';
import { ConnectionType } from '../common/pagination';
import { DatasetVersion } from '../dataset/dataset.entity';
import { Experiment } from '../experiment/experiment.entity';

export enum RunStatus {
  RUNNING = 'RUNNING',
  FINISHED = 'FINISHED',
  FAILED = 'FAILED',
  KILLED = 'KILLED',
}
registerEnumType(RunStatus, { name: 'RunStatus' });

@ObjectType({ implements: Node, description: 'One training or evaluation run of an experiment' })
@Directive('@key(fields: "id")')
@Entity('run')
@Index('IDX_run_experiment', ['experimentId', 'id'])
@EnumCheck('run', 'status', RunStatus)
export class Run extends BaseRecord {
  @Column({ name: 'experiment_id', type: 'varchar', length: 40 })
  experimentId: string;

  @ManyToOne(() => Experiment, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION', nullable: false })
  @JoinColumn({ name: 'experiment_id' })
  experimentRow?: Relation<Experiment>;

  @Field({ description: 'As given at start, else a generated adjective-noun-xxxx name (e.g. brisk-otter-3k7q)' })
  @Column({ type: 'varchar', length: LIMITS.name })
  name: string;

  @Field(() => RunStatus)
  @Column({ type: 'varchar', length: 16 })
  status: RunStatus;

  @Field(() => JSONScalar, { nullable: true, description: 'Parameters as logged (a JSON object)' })
  @Column({ type: 'json', nullable: true })
  params: JsonValue | null;

  @Field(() => String, { nullable: true })
  @Column({ name: 'git_repo', type: 'varchar', length: LIMITS.uri, nullable: true })
  gitRepo: string | null;

  @Field(() => String, { nullable: true })
  @Column({ name: 'git_commit', type: 'varchar', length: 64, nullable: true })
  gitCommit: string | null;

  @Field(() => Date)
  @DateColumn('started_at')
  startedAt: Date;

  @Field(() => Date, { nullable: true })
  @DateColumn('ended_at', { nullable: true })
  endedAt: Date | null;

  @Field()
  @Column({ name: 'created_by', type: 'varchar', length: LIMITS.name })
  createdBy: string;
}

/** run ← dataset version it consumed. */
@Entity('run_input')
@Index('IDX_run_input_dataset_version', ['datasetVersionId'])
export class RunInput {
  @PrimaryColumn({ name: 'run_id', type: 'varchar', length: 40 })
  runId: string;

  @PrimaryColumn({ name: 'dataset_version_id', type: 'varchar', length: 40 })
  datasetVersionId: string;

  @ManyToOne(() => Run, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'run_id' })
  run?: Relation<Run>;

  @ManyToOne(() => DatasetVersion, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'dataset_version_id' })
  datasetVersion?: Relation<DatasetVersion>;
}

export const RunConnection = ConnectionType('Run', Run);
