import { DescribedCreateInput } from '../common/inputs';
import { ArgsType, Field, ID, InputType, registerEnumType } from 'type-graphql';
import { ValidateNested } from 'class-validator';
import { CreatedFilter } from '../common/filters';
import { MetricInput } from '../common/metrics';
import { SortDirection } from '../common/pagination';
import { JSONScalar, type JsonValue } from '../common/scalars';
import {
  ExactlyOne, IsDigest, IsGitCommit, IsGitRepo, IsUri, JsonSize, LIMITS, MaxChars, MaxItems, NotWith, ObjectRule, UniqueBy,
} from '../common/validation';
import { DatasetRole, Stage } from './model-version.entity';
import { VersionBump } from './versioning';

@InputType()
export class DatasetUsageInput {
  @Field(() => ID)
  datasetVersionId: string;

  @Field(() => DatasetRole, { defaultValue: DatasetRole.TRAINING })
  role: DatasetRole = DatasetRole.TRAINING;
}

@InputType()
@ExactlyOne<CreateModelVersionInput>('modelId', 'modelName')
export class CreateModelVersionInput extends DescribedCreateInput {
  @Field(() => ID, { nullable: true, description: 'The model, by id (or give modelName)' })
  modelId?: string | null;

  @Field(() => String, { nullable: true })
  modelName?: string | null;

  @Field(() => String, { nullable: true, description: 'An explicit label; must be greater than the latest' })
  @MaxChars(LIMITS.version, 1)
  version?: string | null;

  @Field(() => VersionBump, { nullable: true, description: 'SEMVER models only; default MINOR' })
  @NotWith('version', 'give either bump or version, not both')
  bump?: VersionBump | null;

  @Field()
  @IsUri()
  artifactUri: string;

  @Field(() => String, { nullable: true })
  @IsDigest()
  artifactDigest?: string | null;

  @Field(() => String, { nullable: true, description: 'e.g. pytorch, sklearn, xgboost' })
  @MaxChars(LIMITS.framework, 1)
  framework?: string | null;

  @Field(() => JSONScalar, { nullable: true })
  @JsonSize()
  signature?: JsonValue | null;

  @Field(() => JSONScalar, { nullable: true })
  @JsonSize()
  hyperparameters?: JsonValue | null;

  @Field(() => [MetricInput], { nullable: true, description: 'Metrics at registration (immutable)' })
  @MaxItems()
  @ValidateNested({ each: true })
  metrics?: MetricInput[] | null;

  @Field(() => [DatasetUsageInput], { nullable: true })
  @MaxItems()
  @UniqueBy('datasetVersionId', 'datasetVersionId')
  @ValidateNested({ each: true })
  datasets?: DatasetUsageInput[] | null;

  @Field(() => ID, { nullable: true, description: 'The run that produced it; git repo/commit default to the run\'s' })
  runId?: string | null;

  @Field(() => ID, { nullable: true, description: 'The version it was fine-tuned or derived from (any model)' })
  parentVersionId?: string | null;

  @Field(() => String, { nullable: true })
  @IsGitRepo()
  gitRepo?: string | null;

  @Field(() => String, { nullable: true })
  @IsGitCommit()
  gitCommit?: string | null;
}

@InputType()
export class ModelVersionFilter extends CreatedFilter {
  @Field(() => Stage, { nullable: true })
  stage?: Stage | null;
}

export enum ModelVersionOrderField {
  SEQUENCE = 'SEQUENCE',
  CREATED_AT = 'CREATED_AT',
}
registerEnumType(ModelVersionOrderField, { name: 'ModelVersionOrderField' });

@InputType('ModelVersionOrder', { description: 'Creation order and sequence order are the same' })
export class ModelVersionOrder {
  @Field(() => ModelVersionOrderField, { defaultValue: ModelVersionOrderField.SEQUENCE })
  field: ModelVersionOrderField = ModelVersionOrderField.SEQUENCE;

  @Field(() => SortDirection, { defaultValue: SortDirection.DESC })
  direction: SortDirection = SortDirection.DESC;
}

const EITHER = 'give either id, or model and version';

/** modelVersion(id:) or modelVersion(model:, version:), not a mix. */
@ArgsType()
@ObjectRule<ModelVersionLookupArgs>((a) => {
  if (a.id != null) return a.model != null || a.version != null ? { field: 'id', message: EITHER } : null;
  return a.model == null || a.version == null ? { field: a.model == null ? 'model' : 'version', message: EITHER } : null;
})
export class ModelVersionLookupArgs {
  @Field(() => String, { nullable: true })
  version?: string | null;

  @Field(() => String, { nullable: true })
  model?: string | null;

  @Field(() => ID, { nullable: true })
  id?: string | null;
}
