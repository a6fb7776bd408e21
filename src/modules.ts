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
import { TransitionReview } from './lifecycle/transition-request.entity';
import { LineageEdgeRow } from './lineage/lineage-edge.entity';
import { DatasetVersionSource } from './dataset/dataset.entity';
import { ArchivalMutations } from './archival/archival.resolver';
import { ComparisonResolver } from './comparison/comparison.resolver';
import { MetricDirection } from './comparison/metric-direction.entity';
import { MetricDirectionResolver } from './comparison/metric-direction.resolver';
import { ExperimentResolver } from './experiment/experiment.resolver';
import { DatasetResolver } from './dataset/dataset.resolver';
import { DatasetVersionResolver } from './dataset/dataset-version.resolver';
import { DeploymentResolver } from './deployment/deployment.resolver';
import { ModelResolver } from './model/model.resolver';
import { ModelVersionResolver } from './model-version/model-version.resolver';
import { loadNode } from './node/node.loaders';
import { NODE_TYPE_NAMES, NODE_TYPES } from './node/node-types';
import { NodeResolver } from './node/node.resolver';
import { RunResolver } from './run/run.resolver';
import { LineageResolver, ONE_HOP_RESOLVERS, ReproducibilityResolver } from './lineage/lineage.resolver';
import { ModelVersionDataset } from './model-version/model-version.entity';
import { RunInput } from './run/run.entity';
import { Evaluation } from './evaluation/evaluation.entity';
import { ApiToken } from './auth/api-token.entity';
import { AuthResolver, ModelGrantFields } from './auth/auth.resolver';
import { ModelGrant } from './auth/model-grant.entity';
import { AuditEvent } from './audit/audit-event.entity';
import { AUDIT_FIELD_RESOLVERS, AuditResolver } from './audit/audit.resolver';
import { DeploymentMetricSample, DriftPolicy, DriftStateRow } from './monitoring/drift.entity';
import { DRIFT_RESOLVERS } from './monitoring/drift.resolver';
import { Webhook, WebhookDelivery } from './webhooks/webhook.entity';
import { WebhookResolver } from './webhooks/webhook.resolver';
import { EvaluationResolver, MetricPointResolver, VersionEvaluationFields } from './evaluation/evaluation.resolver';

/** Every TypeORM entity (the database schema the migrations must match): the node types, then the other tables. */
export const ENTITIES: EntityList = [
  ...NODE_TYPE_NAMES.map((type) => NODE_TYPES[type].entity),
  RunInput, ModelVersionDataset, DatasetVersionSource, Tag, Metric, IdempotencyKey, LineageEdgeRow, StageTransition,
  ModelAliasRow, AliasEvent, ModelPolicy, TransitionReview, DeploymentRevision, TrafficRow, Evaluation, AuditEvent,
  ApiToken, ModelGrant,
  MetricDirection, Webhook, WebhookDelivery,
  DeploymentMetricSample, DriftPolicy, DriftStateRow,
];

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const RESOLVERS: NonEmptyArray<Function> = [
  NodeResolver, ExperimentResolver, RunResolver, ModelResolver, ModelVersionResolver, DatasetResolver,
  DatasetVersionResolver, DeploymentResolver, LineageResolver, ...ONE_HOP_RESOLVERS,
  ReproducibilityResolver, LifecycleMutations, ...LIFECYCLE_FIELD_RESOLVERS, DeploymentRevisionFields, VersionDeploymentFields,
  ComparisonResolver, MetricDirectionResolver,
  EvaluationResolver, MetricPointResolver, VersionEvaluationFields,
  AuthResolver, ModelGrantFields,
  ArchivalMutations,
  AuditResolver, ...AUDIT_FIELD_RESOLVERS,
  ...DRIFT_RESOLVERS,
  WebhookResolver,
];

type ReferenceResolver = (ref: { id: string }, ctx: Context) => Promise<unknown>;

/** Federation `_entities` lookups of every node type, each through the request's DataLoader. */
export const ENTITY_REFERENCES: Record<string, ReferenceResolver> = Object.fromEntries(
  NODE_TYPE_NAMES.map((type) => [type, (ref: { id: string }, ctx: Context) => loadNode(ctx.loaders, ref.id, type)]),
);
