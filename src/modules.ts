import type { NonEmptyArray } from 'type-graphql';
import type { Context } from './context';
import type { EntityList } from './db/data-source';
import { IdempotencyKey } from './common/idempotency';
import { Metric } from './common/metrics';
import { Tag } from './common/tags';
import { Dataset, DatasetVersion, DatasetVersionSource } from './dataset/dataset.entity';
import { Deployment } from './deployment/deployment.entity';
import { Experiment } from './experiment/experiment.entity';
import { experimentById } from './experiment/experiment.loaders';
import { ExperimentResolver } from './experiment/experiment.resolver';
import { Model } from './model/model.entity';
import { ModelVersion, ModelVersionDataset } from './model-version/model-version.entity';
import { Run, RunInput } from './run/run.entity';

/** Every TypeORM entity (the database schema the migrations must match). */
export const ENTITIES: EntityList = [
  Experiment, Run, RunInput, Model, ModelVersion, ModelVersionDataset, Dataset, DatasetVersion, DatasetVersionSource,
  Deployment, Tag, Metric, IdempotencyKey,
];

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const RESOLVERS: NonEmptyArray<Function> = [ExperimentResolver];

type ReferenceResolver = (ref: { id: string }, ctx: Context) => Promise<unknown>;

/** Federation `_entities` lookups, each through the request's DataLoader. */
export const ENTITY_REFERENCES: Record<string, ReferenceResolver> = {
  Experiment: (ref, ctx) => ctx.loaders.get(experimentById).load(ref.id),
};
