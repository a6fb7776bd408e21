import { In } from 'typeorm';
import { defineLoader, groupLoader } from '../common/loaders';
import { MetricDirection } from './metric-direction.entity';

const byCodePoint = (a: MetricDirection, b: MetricDirection): number => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key));

/** Each model's own metric directions, by key in code-point order; one statement per batch of models. */
export const directionsOfModel = defineLoader(
  'directionsOfModel',
  groupLoader<string, MetricDirection>(
    async (db, modelIds) => (await db.manager.findBy(MetricDirection, { modelId: In([...modelIds]) })).sort(byCodePoint),
    (d) => d.modelId,
  ),
);
