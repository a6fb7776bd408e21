import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { DateColumn } from '../common/base.entity';
import { LIMITS } from '../common/validation';
import { RESTRICT } from '../db/constraints';
import { Model } from '../model/model.entity';

/** A model's own direction for one metric key; without one, the direction follows the key's name. */
@ObjectType({ description: 'Whether a higher value of a metric key is better, as set for one model' })
@Entity('metric_direction')
export class MetricDirection {
  @ForeignKey(() => Model, RESTRICT)
  @PrimaryColumn({ name: 'model_id', type: 'varchar', length: 40 })
  modelId: string;

  @Field()
  @PrimaryColumn({ type: 'varchar', length: LIMITS.metricKey })
  key: string;

  @Field()
  @Column({ name: 'higher_is_better', type: 'boolean' })
  higherIsBetter: boolean;

  @Field()
  @Column({ name: 'updated_by', type: 'varchar', length: LIMITS.name })
  updatedBy: string;

  @Field(() => Date)
  @DateColumn('updated_at')
  updatedAt: Date;
}
