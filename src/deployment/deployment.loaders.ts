import { In } from 'typeorm';
import { byIdLoader, byNameLoader, defineLoader, groupLoader } from '../common/loaders';
import { Deployment } from './deployment.entity';

export const deploymentById = byIdLoader('deploymentById', Deployment);
export const deploymentByName = byNameLoader('deploymentByName', Deployment);

export const deploymentsOfModel = defineLoader('deploymentsOfModel', groupLoader<string, Deployment>(
  (db, modelIds) => db.manager.find(Deployment, { where: { modelId: In([...modelIds]) }, order: { name: 'ASC' } }),
  (d) => d.modelId,
));
