import { EventType } from '../audit/event-type';
import { recordEvent, type Caller } from '../audit/record';
import { now } from '../common/base.entity';
import { lock } from '../common/lock';
import type { Database } from '../db/database';
import { Model } from '../model/model.entity';
import { MetricDirection } from './metric-direction.entity';

/** A model's own metric directions: they override the name-based default in comparisons of its versions. */
export class MetricDirectionService {
  constructor(private readonly db: Database) {}

  /** Sets (or replaces) the direction of one key for one model. */
  set(modelId: string, key: string, higherIsBetter: boolean, caller: Caller): Promise<Model> {
    return this.db.transaction(async (em) => {
      const model = await lock(this.db, Model, modelId, 'modelId');
      const row = { modelId: model.id, key, higherIsBetter, updatedBy: caller.actor, updatedAt: now() };
      const current = await em.findOneBy(MetricDirection, { modelId: model.id, key });
      if (current) await em.update(MetricDirection, { modelId: model.id, key }, row);
      else await em.insert(MetricDirection, row);
      if (current?.higherIsBetter !== higherIsBetter) {
        await recordEvent(this.db, caller, {
          action: EventType.METRIC_DIRECTION_SET, entityType: 'Model', entityId: model.id,
          before: { key, higherIsBetter: current?.higherIsBetter ?? null }, after: { key, higherIsBetter },
        });
      }
      return model;
    });
  }

  /** Back to the name-based default; clearing a key without a direction of its own changes nothing. */
  clear(modelId: string, key: string, caller: Caller): Promise<Model> {
    return this.db.transaction(async (em) => {
      const model = await lock(this.db, Model, modelId, 'modelId');
      const current = await em.findOneBy(MetricDirection, { modelId: model.id, key });
      if (current) {
        await em.delete(MetricDirection, { modelId: model.id, key });
        await recordEvent(this.db, caller, {
          action: EventType.METRIC_DIRECTION_CLEARED, entityType: 'Model', entityId: model.id,
          before: { key, higherIsBetter: current.higherIsBetter }, after: { key, higherIsBetter: null },
        });
      }
      return model;
    });
  }
}
