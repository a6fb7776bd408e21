import { now } from '../common/base.entity';
import { lock } from '../common/lock';
import type { Database } from '../db/database';
import { Model } from '../model/model.entity';
import { MetricDirection } from './metric-direction.entity';

/** A model's own metric directions: they override the name-based default in comparisons of its versions. */
export class MetricDirectionService {
  constructor(private readonly db: Database) {}

  /** Sets (or replaces) the direction of one key for one model. */
  set(modelId: string, key: string, higherIsBetter: boolean, actor: string): Promise<Model> {
    return this.db.transaction(async (em) => {
      const model = await lock(this.db, Model, modelId, 'modelId');
      const row = { modelId: model.id, key, higherIsBetter, updatedBy: actor, updatedAt: now() };
      if (await em.findOneBy(MetricDirection, { modelId: model.id, key })) await em.update(MetricDirection, { modelId: model.id, key }, row);
      else await em.insert(MetricDirection, row);
      return model;
    });
  }

  /** Back to the name-based default; clearing a key without a direction of its own changes nothing. */
  clear(modelId: string, key: string, _actor: string): Promise<Model> {
    return this.db.transaction(async (em) => {
      const model = await lock(this.db, Model, modelId, 'modelId');
      await em.delete(MetricDirection, { modelId: model.id, key });
      return model;
    });
  }
}
