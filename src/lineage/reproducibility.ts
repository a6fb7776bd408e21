import DataLoader from 'dataloader';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { defineLoader } from '../common/loaders';
import { JSONScalar, type JsonValue } from '../common/scalars';
import { isIdOf } from '../common/ids';
import { DatasetVersion } from '../dataset/dataset.entity';
import { ModelVersion } from '../model-version/model-version.entity';
import { Run } from '../run/run.entity';
import { LineageRelation } from './lineage-edge.entity';
import { MAX_LINEAGE_DEPTH, MAX_LINEAGE_NODES } from './lineage.service';
import { walk } from './lineage.walk';

/** Where a version's effective hyperparameters come from. */
export enum HyperparametersSource {
  VERSION = 'VERSION',
  RUN = 'RUN',
}
registerEnumType(HyperparametersSource, {
  name: 'HyperparametersSource',
  description: 'VERSION: registered with the version; RUN: the params its run logged (used when the version has none)',
});

@ObjectType({ description: 'Everything needed to recreate a model version, and what is missing for that' })
export class Reproducibility {
  @Field({ description: 'True when nothing in `missing` is missing' })
  complete: boolean;

  @Field(() => [String], { description: 'What is not recorded: gitRepo, gitCommit, artifactDigest, hyperparameters, run, datasets' })
  missing: string[];

  @Field(() => String, { nullable: true })
  gitRepo: string | null;

  @Field(() => String, { nullable: true })
  gitCommit: string | null;

  @Field(() => JSONScalar, {
    nullable: true,
    description: 'The version\'s own hyperparameters when it was registered with them (they win whole, no merge), else its run\'s params',
  })
  hyperparameters: JsonValue | null;

  @Field(() => HyperparametersSource, { nullable: true, description: 'Where `hyperparameters` come from; null when neither has them' })
  hyperparametersSource: HyperparametersSource | null;

  @Field()
  artifactUri: string;

  @Field(() => String, { nullable: true })
  artifactDigest: string | null;

  @Field(() => Run, { nullable: true })
  run: Run | null;

  @Field(() => [DatasetVersion], { description: 'Every dataset version behind it: used directly, read by its run, and their sources through derivations' })
  datasets: DatasetVersion[];

  @Field(() => [ModelVersion], { description: 'The parent chain, nearest first' })
  parents: ModelVersion[];
}

/** Data behind a version: through trained_on, its run's inputs and derivations, never through parents. */
const DATA_RELATIONS = [LineageRelation.TRAINED_ON, LineageRelation.PRODUCED, LineageRelation.CONSUMED, LineageRelation.DERIVED];

export interface UpstreamIds {
  datasetVersionIds: string[];
  parentIds: string[];
}

/** Per model version: the ids of its upstream data and its parent chain; two statements per batch. */
export const upstreamOfVersion = defineLoader('upstreamOfVersion', (db) =>
  new DataLoader<string, UpstreamIds, string>(async (versionIds) => {
    const options = { direction: 'UP' as const, maxDepth: MAX_LINEAGE_DEPTH, limit: MAX_LINEAGE_NODES };
    const [data, parents] = [
      await walk(db, versionIds, { ...options, relations: DATA_RELATIONS }),
      await walk(db, versionIds, { ...options, relations: [LineageRelation.PARENT_OF] }),
    ];
    return versionIds.map((id) => ({
      datasetVersionIds: data.filter((r) => r.root === id && r.depth <= MAX_LINEAGE_DEPTH && isIdOf('DatasetVersion', r.node)).map((r) => r.node),
      parentIds: parents.filter((r) => r.root === id && r.depth <= MAX_LINEAGE_DEPTH).map((r) => r.node),
    }));
  }, { maxBatchSize: 100 }),
);

/**
 * The hyperparameters that made a version, as stored at registration (`effectiveHyperparametersOf`: its
 * own, else its run's params), and where they come from.
 */
export function effectiveHyperparameters(v: ModelVersion): Pick<Reproducibility, 'hyperparameters' | 'hyperparametersSource'> {
  if (v.effectiveHyperparameters == null) return { hyperparameters: null, hyperparametersSource: null };
  const source = v.hyperparameters != null ? HyperparametersSource.VERSION : HyperparametersSource.RUN;
  return { hyperparameters: v.effectiveHyperparameters, hyperparametersSource: source };
}

export function missingOf(v: ModelVersion, run: Run | null, datasets: DatasetVersion[]): string[] {
  const missing: string[] = [];
  if (!v.gitRepo) missing.push('gitRepo');
  if (!v.gitCommit) missing.push('gitCommit');
  if (!v.artifactDigest) missing.push('artifactDigest');
  if (effectiveHyperparameters(v).hyperparameters == null) missing.push('hyperparameters');
  if (!run) missing.push('run');
  if (!datasets.length) missing.push('datasets');
  return missing;
}
