import { Field, Float, ObjectType } from 'type-graphql';
import { JSONScalar, type JsonValue } from '../common/scalars';
import { DatasetUsage, ModelVersion } from '../model-version/model-version.entity';
import { HyperparametersSource } from '../lineage/reproducibility';

@ObjectType({ description: 'One hyperparameter across the compared versions' })
export class ParamDiff {
  @Field()
  key: string;

  @Field(() => [JSONScalar], { nullable: 'items', description: 'In the order of `versions`; null where a version has no such key' })
  values: (JsonValue | null)[];

  @Field({ description: 'True unless every version has the same value (as JSON; an absent key equals null)' })
  differs: boolean;
}

@ObjectType({ description: 'One tag key across the compared versions' })
export class TagDiff {
  @Field()
  key: string;

  @Field(() => [String], { nullable: 'items', description: 'In the order of `versions`; null where a version has no such tag' })
  values: (string | null)[];

  @Field()
  differs: boolean;
}

@ObjectType({
  description: 'One metric key across the compared versions: each one\'s latest point (highest step, then last logged) of its registration '
    + 'metrics, or of its evaluations on the dataset version compared on',
})
export class MetricDiff {
  @Field()
  key: string;

  @Field(() => [Float], { nullable: 'items', description: 'In the order of `versions`; null where a version has no such metric' })
  values: (number | null)[];

  @Field(() => [Float], { nullable: 'items', description: 'value − the first version\'s value, rounded to 12 significant digits (0 for the first); null where either is null' })
  deltas: (number | null)[];

  @Field(() => ModelVersion, {
    nullable: true,
    description: 'The version with the best value (the earliest in `versions` on a tie); null when none has one or when `directionsDisagree`',
  })
  best: ModelVersion | null;

  @Field({
    description: 'The direction of the first version\'s model: set with setMetricDirection, else by name — false when the key, split into '
      + 'words (at non-alphanumerics and camelCase humps, lowercased), contains loss, logloss, nll, error, err, rmse, mse, mae, mape, msle, '
      + 'rmsle, perplexity, ppl, wer or cer, unless its first word is neg or negative (negated scores such as neg_log_loss); true otherwise',
  })
  higherIsBetter: boolean;

  @Field({ description: 'True when the compared versions\' models do not all have the same direction for the key; then `best` is null' })
  directionsDisagree: boolean;
}

@ObjectType({ description: 'The data one compared version was registered with' })
export class VersionDatasets {
  @Field(() => ModelVersion)
  version: ModelVersion;

  @Field(() => [DatasetUsage], { description: 'Dataset versions linked at registration, with their role' })
  datasets: DatasetUsage[];
}

@ObjectType({ description: 'Whether a later version still accepts what the first accepted and returns what it returned' })
export class SignatureCompatibility {
  @Field(() => ModelVersion)
  version: ModelVersion;

  @Field(() => ModelVersion, { description: 'The first compared version' })
  against: ModelVersion;

  @Field({ description: 'True when `breaking` is empty' })
  compatible: boolean;

  @Field(() => [String], {
    description: 'removed input "x"; retyped input "x": T → U; added/removed/retyped output "y" …; signature removed (the first has one, this one none)',
  })
  breaking: string[];
}

@ObjectType({ description: 'Model versions side by side: registration data (hyperparameters, metrics, datasets, tags, code, signature), or evaluation metrics on one dataset version' })
export class VersionComparison {
  @Field(() => [ModelVersion], { description: 'In the order of `ids`' })
  versions: ModelVersion[];

  @Field(() => [ParamDiff], { description: 'Per hyperparameter key (union over versions, code-point order): each version\'s own hyperparameters, else its run\'s params' })
  params: ParamDiff[];

  @Field(() => [HyperparametersSource], { nullable: 'items', description: 'Where each version\'s params come from; null when it has none' })
  paramSources: (HyperparametersSource | null)[];

  @Field(() => [MetricDiff], { description: 'Per metric key (union over versions, code-point order): registration metrics, or evaluations on the dataset version compared on' })
  metrics: MetricDiff[];

  @Field(() => [VersionDatasets], { description: 'In the order of `versions`' })
  datasets: VersionDatasets[];

  @Field({ description: 'True when every version used the same data: equal sets of (role, digest) pairs' })
  sameDatasets: boolean;

  @Field(() => [TagDiff], { description: 'Per tag key (union over versions, code-point order)' })
  tags: TagDiff[];

  @Field(() => [String], { nullable: 'items', description: 'Each version\'s git commit, in the order of `versions`' })
  gitCommits: (string | null)[];

  @Field(() => [SignatureCompatibility], { description: 'Each later version against the first' })
  signatureChanges: SignatureCompatibility[];
}
