import { Directive, Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index, PrimaryGeneratedColumn, type EntityManager } from 'typeorm';
import { DateColumn, now } from './base.entity';
import { defineLoader, groupLoader, rowsWhereIn } from './loaders';
import { ConnectionType } from './pagination';
import { IntRange, LIMITS, MaxChars } from './validation';

/** A metric point of a run, a model version (at registration) or, later, a deployment. Shareable with other subgraphs. */
@ObjectType()
@Directive('@shareable')
@Entity('metric')
@Index('IDX_metric_entity_key', ['entityId', 'key'])
@Index('IDX_metric_latest', ['entityId', 'key', 'step'])
// Search across versions: a metric's range, in value order, without reading other keys' points.
@Index('IDX_metric_key_value', ['key', 'value', 'entityId'])
export class Metric {
  /** Logging order (not exposed: a point is addressed by its cursor). */
  @PrimaryGeneratedColumn({ name: 'id', type: 'integer' })
  id: number;

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
    (db, ids) => rowsWhereIn(db, Metric, 'entityId', ids, 'id'),
    (m) => m.entityId,
  ),
);

/**
 * The latest point of each key: the highest step (steps are ≥ 0; a point without step is below every step,
 * as NULL sorts last in a descending order on both engines), then the last logged. For many entities in
 * one statement: the distinct keys come from the (entity_id, key) index, and each key's latest point is
 * one probe of the (entity_id, key, step) index, so a run's points are never all read.
 */
export const latestMetricsByEntity = defineLoader(
  'latestMetricsByEntity',
  groupLoader<string, Metric>(
    async (db, ids) => {
      const key = db.manager.connection.driver.escape('key');
      const latestIds = `SELECT (SELECT l.id FROM metric l WHERE l.entity_id = k.entity_id AND l.${key} = k.${key}
          ORDER BY l.step DESC, l.id DESC LIMIT 1)
        FROM (SELECT DISTINCT d.entity_id, d.${key} FROM metric d WHERE d.entity_id IN (:...latestOf)) k`;
      const rows = await db.manager.createQueryBuilder(Metric, 'latest')
        .where(`latest.id IN (${latestIds})`, { latestOf: [...ids] })
        .getMany();
      // By key in code-point order, the same on every engine and collation.
      return rows.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
    },
    (m) => m.entityId,
  ),
);

export const MetricConnection = ConnectionType('Metric', Metric);

export async function insertMetrics(em: EntityManager, entityId: string, metrics: MetricInput[] | undefined | null): Promise<void> {
  if (!metrics?.length) return;
  await em.insert(Metric, metrics.map((m) => ({
    entityId, key: m.key, value: m.value, step: m.step ?? null, timestamp: m.timestamp ?? now(),
  })));
}
