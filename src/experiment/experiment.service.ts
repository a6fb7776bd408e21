import type { Database } from '../db/database';
import { EventType } from '../audit/event-type';
import { NamedAggregateService } from '../common/named-aggregate.service';
import { Experiment } from './experiment.entity';
import type { CreateExperimentInput, ExperimentFilter } from './experiment.inputs';

export class ExperimentService extends NamedAggregateService<Experiment, CreateExperimentInput, ExperimentFilter> {
  constructor(db: Database) {
    super(db, { entity: Experiment, type: 'Experiment', mutation: 'createExperiment', noun: 'An experiment', archivable: true, event: EventType.EXPERIMENT_CREATED });
  }

  protected columns(): Partial<Experiment> {
    return {};
  }
}
