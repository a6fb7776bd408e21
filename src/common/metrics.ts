import { Directive, Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { Column, Entity, In, Index, PrimaryGeneratedColumn, type EntityManager } from 'typeorm';
import { DateColumn, now } from './base.entity';
import { defineLoader, groupLoader } from './loaders';
import { IntRange, LIMITS, MaxChars } from './validation';

/** A metric point of a run, a model version (at registration) or, later, a deployment. Shareable with other subgraphs. */
@ObjectType()
@Directive('@shareable')
@Entity('metric')
@Index('IDX_metric_entity_key', ['entityId', 'key'])
export class Metric {
  @PrimaryGeneratedColumn({ name: 'id', type: 'integer' })
  seq: number;

  @Column({ name: 'entity_id', type: 'varchar', length: 40 })
  entityId: string;

  @Field()
  @Column({ type: 'varchar', length: LIMITS.metricKey })
  key: string;

  @Field(() => Float)
  @Column({ type: 'double' })
  value: number;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'integer', nullable: true })
  step: number | null;

  @Field(() => Date, { nullable: true })
  @DateColumn('timestamp', { nullable: true })
  timestamp: Date | null;
}

const INT32 = 2 ** 31 - 1;

@InputType()
export class MetricInput {
  @Field()
  @MaxChars(LIMITS.metricKey, 1)
  key: string;

  @Field(() => Float)
  value: number;

  @Field(() => Int, { nullable: true })
  @IntRange(0, INT32)
  step?: number | null;

  @Field(() => Date, { nullable: true })
  timestamp?: Date | null;
}

/** Every point of every key of an entity, in the order logged. */
export const metricsByEntity = defineLoader(
  'metricsByEntity',
  groupLoader<string, Metric>(
    (db, ids) => db.manager.getRepository(Metric).find({ where: { entityId: In([...ids]) }, order: { seq: 'ASC' } }),
    (m) => m.entityId,
  ),
);

/** The latest point per key (highest step, then last logged), ordered by key. */
export function latestPerKey(points: Metric[]): Metric[] {
  const latest = new Map<string, Metric>();
  for (const p of points) {
    const seen = latest.get(p.key);
    if (!seen || (p.step ?? -1) >= (seen.step ?? -1)) latest.set(p.key, p);
  }
  return [...latest.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export async function insertMetrics(em: EntityManager, entityId: string, metrics: MetricInput[] | undefined | null): Promise<void> {
  if (!metrics?.length) return;
  await em.insert(Metric, metrics.map((m) => ({
    entityId, key: m.key, value: m.value, step: m.step ?? null, timestamp: m.timestamp ?? now(),
  })));
}
