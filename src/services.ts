import type { Database } from './db/database';
import { ExperimentService } from './experiment/experiment.service';

/** One instance of each service per process; resolvers reach them through the context. */
export interface Services {
  experiments: ExperimentService;
}

export function createServices(db: Database): Services {
  return {
    experiments: new ExperimentService(db),
  };
}
