import type { LoaderDef } from '../common/loaders';
import type { NodeTypeName } from '../common/ids';
import { Dataset, DatasetVersion } from '../dataset/dataset.entity';
import { datasetById, datasetVersionById } from '../dataset/dataset.loaders';
import { Deployment } from '../deployment/deployment.entity';
import { deploymentById } from '../deployment/deployment.loaders';
import { Experiment } from '../experiment/experiment.entity';
import { experimentById } from '../experiment/experiment.loaders';
import { TransitionRequest } from '../lifecycle/transition-request.entity';
import { requestById } from '../lifecycle/lifecycle.loaders';
import { Model } from '../model/model.entity';
import { modelById } from '../model/model.loaders';
import { ModelVersion } from '../model-version/model-version.entity';
import { versionById } from '../model-version/model-version.loaders';
import { Run } from '../run/run.entity';
import { runById } from '../run/run.loaders';

/** What the rest of the code needs to know about one node type. */
export interface NodeTypeDef<E extends { id: string } = { id: string }> {
  /** The TypeORM entity, which is also the GraphQL object type implementing Node. */
  entity: abstract new () => E;
  /** The by-id loader: `node(id:)`, `nodes(ids:)`, federation `_entities` and lineage nodes go through it. */
  byId: LoaderDef<string, E | null>;
  /** `setTags` applies to it. */
  taggable: boolean;
  /** `updateDescription` applies to it. */
  described: boolean;
  /** Lineage links it: a member of the `LineageNode` union, with `upstream`/`downstream`. */
  lineage: boolean;
}

/**
 * The one table of node types. The id prefix of each lives in common/ids.ts (entities import it, so it
 * cannot import them); this table must name every type that has a prefix, and everything else is derived
 * from it: node loaders, federation references, tag and description edits, the lineage union. Its order
 * is the order of the `LineageNode` union.
 */
export const NODE_TYPES = {
  Experiment: { entity: Experiment, byId: experimentById, taggable: true, described: true, lineage: true },
  Run: { entity: Run, byId: runById, taggable: true, described: false, lineage: true },
  Model: { entity: Model, byId: modelById, taggable: true, described: true, lineage: true },
  ModelVersion: { entity: ModelVersion, byId: versionById, taggable: true, described: true, lineage: true },
  Dataset: { entity: Dataset, byId: datasetById, taggable: true, described: true, lineage: true },
  DatasetVersion: { entity: DatasetVersion, byId: datasetVersionById, taggable: true, described: true, lineage: true },
  Deployment: { entity: Deployment, byId: deploymentById, taggable: true, described: true, lineage: true },
  TransitionRequest: { entity: TransitionRequest, byId: requestById, taggable: false, described: false, lineage: false },
} as const satisfies { [T in NodeTypeName]: NodeTypeDef };

type Registry = typeof NODE_TYPES;

export const NODE_TYPE_NAMES = Object.keys(NODE_TYPES) as NodeTypeName[];

export function nodeType(type: NodeTypeName): NodeTypeDef {
  return NODE_TYPES[type];
}

/** The type names whose row has `flag` set, in table order. */
export function nodeTypesWith(flag: 'taggable' | 'described' | 'lineage'): NodeTypeName[] {
  return NODE_TYPE_NAMES.filter((type) => NODE_TYPES[type][flag]);
}

export type LineageTypeName = { [T in NodeTypeName]: Registry[T]['lineage'] extends true ? T : never }[NodeTypeName];
export type LineageClass = Registry[LineageTypeName]['entity'];

/** The entity classes of the lineage node types, in table order. */
export const LINEAGE_CLASSES = nodeTypesWith('lineage').map((type) => NODE_TYPES[type].entity) as LineageClass[];
