import { byIdLoader, byNameLoader } from '../common/loaders';
import { Model } from './model.entity';

export const modelById = byIdLoader('modelById', Model);
export const modelByName = byNameLoader('modelByName', Model);
