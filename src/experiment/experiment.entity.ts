import { Directive, Field, ObjectType } from 'type-graphql';
import { Column, Entity, Unique } from 'typeorm';
import { ArchivableRecord } from '../common/archival';
import { Node } from '../common/base.entity';
import { LIMITS } from '../common/validation';

@ObjectType({ implements: Node, description: 'A named group of training runs' })
@Directive('@key(fields: "id")')
@Entity('experiment')
@Unique('UQ_experiment_name', ['name'])
export class Experiment extends ArchivableRecord {
  @Field()
  @Column({ type: 'varchar', length: LIMITS.name })
  name: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description: string | null;
}

