import type { Database } from '../db/database';
import { EventType } from '../audit/event-type';
import { NamedAggregateService } from '../common/named-aggregate.service';
import { Model } from './model.entity';
import type { ModelFilter, RegisterModelInput } from './model.inputs';

export class ModelService extends NamedAggregateService<Model, RegisterModelInput, ModelFilter> {
  constructor(db: Database) {
    super(db, { entity: Model, type: 'Model', mutation: 'registerModel', noun: 'A model', archivable: true, event: EventType.MODEL_REGISTERED });
  }

  protected columns(input: RegisterModelInput): Partial<Model> {
    return { versioningScheme: input.versioningScheme, versionCount: 0, latestVersion: null };
  }
}
