import type { LoaderDef, Loaders } from '../common/loaders';
import { typeOfId, type NodeTypeName } from '../common/ids';
import { datasetById, datasetVersionById } from '../dataset/dataset.loaders';
import { deploymentById } from '../deployment/deployment.loaders';
import { experimentById } from '../experiment/experiment.loaders';
import { requestById } from '../lifecycle/lifecycle.loaders';
import { modelById } from '../model/model.loaders';
import { versionById } from '../model-version/model-version.loaders';
import { runById } from '../run/run.loaders';

/** The by-id loader of every node type: `node(id:)` and federation `_entities` go through these. */
export const NODE_LOADERS = {
  Experiment: experimentById,
  Run: runById,
  Model: modelById,
  ModelVersion: versionById,
  Dataset: datasetById,
  DatasetVersion: datasetVersionById,
  Deployment: deploymentById,
  TransitionRequest: requestById,
} as const satisfies Record<NodeTypeName, unknown>;

/** Any node by global id (the type comes from the prefix); null for unknown or malformed ids. */
export function loadNode(loaders: Loaders, id: string, expected?: NodeTypeName): Promise<object | null> {
  const type = typeOfId(id);
  if (!type || (expected && type !== expected)) return Promise.resolve(null);
  const def = NODE_LOADERS[type] as LoaderDef<string, object | null>;
  return loaders.get(def).load(id);
}
