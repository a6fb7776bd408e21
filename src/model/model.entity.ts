import { Directive, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index, Unique } from 'typeorm';
import { EnumCheck } from '../db/constraints';
import { ArchivableRecord } from '../common/archival';
import { Node } from '../common/base.entity';
import { LIMITS } from '../common/validation';
import { ConnectionType } from '../common/pagination';

export enum VersioningScheme {
  INTEGER = 'INTEGER',
  SEMVER = 'SEMVER',
  TIMESTAMP = 'TIMESTAMP',
}
registerEnumType(VersioningScheme, {
  name: 'VersioningScheme',
  valuesConfig: {
    INTEGER: { description: '1, 2, 3…' },
    SEMVER: { description: '1.0.0, 1.1.0, 2.0.0… (bump MAJOR, MINOR or PATCH)' },
    TIMESTAMP: { description: 'YYYY.MM.DD.HHMMSS in UTC, with a .N suffix within one second' },
  },
});

@ObjectType({ implements: Node, description: 'A registered model: a named line of versions' })
@Directive('@key(fields: "id")')
@Entity('model')
@Unique('UQ_model_name', ['name'])
@Index('IDX_model_archived', ['archivedAt'])
@EnumCheck('model', 'versioning_scheme', VersioningScheme)
export class Model extends ArchivableRecord {
  @Field()
  @Column({ type: 'varchar', length: LIMITS.name })
  name: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Field(() => VersioningScheme)
  @Column({ name: 'versioning_scheme', type: 'varchar', length: 16 })
  versioningScheme: VersioningScheme;

  @Field(() => Int, { description: 'How many versions the model has (= the latest sequence)' })
  @Column({ name: 'version_count', type: 'integer', default: 0 })
  versionCount: number;

  /** Label of the newest version; every new version must be greater than it. */
  @Column({ name: 'latest_version', type: 'varchar', length: LIMITS.version, nullable: true })
  latestVersion: string | null;
}

export const ModelConnection = ConnectionType('Model', Model);
