import { byIdLoader, byNameLoader } from '../common/loaders';
import { Experiment } from './experiment.entity';

export const experimentById = byIdLoader('experimentById', Experiment);
export const experimentByName = byNameLoader('experimentByName', Experiment);
