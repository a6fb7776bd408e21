import { Directive, Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique, type Relation } from 'typeorm';
import { ArchivableRecord } from '../common/archival';
import { BaseRecord, Node } from '../common/base.entity';
import { JSONScalar, type JsonValue } from '../common/scalars';
import { LIMITS } from '../common/validation';
import { ConnectionType } from '../common/pagination';

@ObjectType({ implements: Node, description: 'A named data set whose content is recorded as immutable versions' })
@Directive('@key(fields: "id")')
@Entity('dataset')
@Unique('UQ_dataset_name', ['name'])
export class Dataset extends ArchivableRecord {
  @Field()
  @Column({ type: 'varchar', length: LIMITS.name })
  name: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Field(() => Int, { description: 'How many versions the dataset has' })
  @Column({ name: 'version_count', type: 'integer', default: 0 })
  versionCount: number;
}

@ObjectType({ implements: Node, description: 'One immutable snapshot of a dataset: where it is and what it hashes to' })
@Directive('@key(fields: "id")')
@Entity('dataset_version')
@Unique('UQ_dataset_version_label', ['datasetId', 'version'])
@Unique('UQ_dataset_version_sequence', ['datasetId', 'sequence'])
export class DatasetVersion extends BaseRecord {
  @Column({ name: 'dataset_id', type: 'varchar', length: 40 })
  datasetId: string;

  @ManyToOne(() => Dataset, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION', nullable: false })
  @JoinColumn({ name: 'dataset_id' })
  datasetRow?: Relation<Dataset>;

  @Field({ description: 'The label: the sequence number unless one was given' })
  @Column({ type: 'varchar', length: LIMITS.version })
  version: string;

  @Field(() => Int, { description: '1, 2, 3… per dataset, gap-free' })
  @Column({ type: 'integer' })
  sequence: number;

  @Field()
  @Column({ type: 'varchar', length: LIMITS.uri })
  uri: string;

  @Field({ description: 'algorithm:hex, e.g. sha256:…' })
  @Column({ type: 'varchar', length: 140 })
  digest: string;

  @Field(() => Int, { nullable: true })
  @Column({ name: 'row_count', type: 'integer', nullable: true })
  rowCount: number | null;

  @Field(() => JSONScalar, { nullable: true, description: 'Column names and types, as the producer describes them' })
  @Column({ type: 'json', nullable: true })
  schema: JsonValue | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Field()
  @Column({ name: 'created_by', type: 'varchar', length: LIMITS.name })
  createdBy: string;
}

/** derived ← source: a dataset version made from other dataset versions. */
@Entity('dataset_version_source')
@Index('IDX_dataset_version_source_source', ['sourceId'])
export class DatasetVersionSource {
  @PrimaryColumn({ name: 'dataset_version_id', type: 'varchar', length: 40 })
  datasetVersionId: string;

  @PrimaryColumn({ name: 'source_id', type: 'varchar', length: 40 })
  sourceId: string;

  @ManyToOne(() => DatasetVersion, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'dataset_version_id' })
  derived?: Relation<DatasetVersion>;

  @ManyToOne(() => DatasetVersion, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'source_id' })
  source?: Relation<DatasetVersion>;
}

export const DatasetConnection = ConnectionType('Dataset', Dataset);
export const DatasetVersionConnection = ConnectionType('DatasetVersion', DatasetVersion);
