import type { NonEmptyArray } from 'type-graphql';
import type { Context } from './context';
import type { EntityList } from './db/data-source';
import { IdempotencyKey } from './common/idempotency';
import { Metric } from './common/metrics';
import { Tag } from './common/tags';
import { DeploymentRevision, TrafficRow } from './deployment/deployment-revision.entity';
import { DeploymentRevisionFields, VersionDeploymentFields } from './deployment/deployment-revision.resolver';
import { AliasEvent, ModelAliasRow } from './lifecycle/alias.entity';
import { LIFECYCLE_FIELD_RESOLVERS } from './lifecycle/lifecycle-fields.resolver';
import { LifecycleMutations } from './lifecycle/lifecycle.resolver';
import { ModelPolicy } from './lifecycle/policy.entity';
import { StageTransition } from './lifecycle/stage-transition.entity';
import { TransitionRequest, TransitionReview } from './lifecycle/transition-request.entity';
import { LineageEdgeRow } from './lineage/lineage-edge.entity';
import { Dataset, DatasetVersion, DatasetVersionSource } from './dataset/dataset.entity';
import { Deployment } from './deployment/deployment.entity';
import { Experiment } from './experiment/experiment.entity';
import { ExperimentResolver } from './experiment/experiment.resolver';
import { DatasetResolver } from './dataset/dataset.resolver';
import { DatasetVersionResolver } from './dataset/dataset-version.resolver';
import { DeploymentResolver } from './deployment/deployment.resolver';
import { ModelResolver } from './model/model.resolver';
import { ModelVersionResolver } from './model-version/model-version.resolver';
import { loadNode, NODE_LOADERS } from './node/node.loaders';
import { NodeResolver } from './node/node.resolver';
import { RunResolver } from './run/run.resolver';
import { LineageResolver, ONE_HOP_RESOLVERS, ReproducibilityResolver } from './lineage/lineage.resolver';
import type { NodeTypeName } from './common/ids';
import { Model } from './model/model.entity';
import { ModelVersion, ModelVersionDataset } from './model-version/model-version.entity';
import { Run, RunInput } from './run/run.entity';

/** Every TypeORM entity (the database schema the migrations must match). */
export const ENTITIES: EntityList = [
  Experiment, Run, RunInput, Model, ModelVersion, ModelVersionDataset, Dataset, DatasetVersion, DatasetVersionSource,
  Deployment, Tag, Metric, IdempotencyKey, LineageEdgeRow, StageTransition, ModelAliasRow, AliasEvent, ModelPolicy,
  TransitionRequest, TransitionReview, DeploymentRevision, TrafficRow,
];

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const RESOLVERS: NonEmptyArray<Function> = [
  NodeResolver, ExperimentResolver, RunResolver, ModelResolver, ModelVersionResolver, DatasetResolver,
  DatasetVersionResolver, DeploymentResolver, LineageResolver, ...ONE_HOP_RESOLVERS,
  ReproducibilityResolver, LifecycleMutations, ...LIFECYCLE_FIELD_RESOLVERS, DeploymentRevisionFields, VersionDeploymentFields,
];

type ReferenceResolver = (ref: { id: string }, ctx: Context) => Promise<unknown>;

/** Federation `_entities` lookups, each through the request's DataLoader. */
export const ENTITY_REFERENCES: Record<string, ReferenceResolver> = Object.fromEntries(
  (Object.keys(NODE_LOADERS) as NodeTypeName[]).map((type) => [type, (ref: { id: string }, ctx: Context) => loadNode(ctx.loaders, ref.id, type)]),
);
