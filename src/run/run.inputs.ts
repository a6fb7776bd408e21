import { CreateInput } from '../common/inputs';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { ValidateNested } from 'class-validator';
import { MetricInput } from '../common/metrics';
import { JSONScalar, type JsonValue } from '../common/scalars';
import { IsGitCommit, IsGitRepo, IsJsonObject, IsName, JsonSize, MaxItems, OneOf, UniqueBy } from '../common/validation';
import { RunStatus } from './run.entity';

@InputType()
export class StartRunInput extends CreateInput {
  @Field(() => ID)
  experimentId: string;

  @Field(() => String, { nullable: true })
  @IsName()
  name?: string | null;

  @Field(() => JSONScalar, { nullable: true, description: 'A JSON object of parameters' })
  @IsJsonObject()
  @JsonSize()
  params?: { [key: string]: JsonValue } | null;

  @Field(() => String, { nullable: true })
  @IsGitRepo()
  gitRepo?: string | null;

  @Field(() => String, { nullable: true })
  @IsGitCommit()
  gitCommit?: string | null;

  @Field(() => [ID], { nullable: true, description: 'Dataset versions the run reads' })
  @MaxItems()
  @UniqueBy('id')
  inputDatasetVersionIds?: string[] | null;

  @Field(() => Date, { nullable: true, description: 'Defaults to now' })
  startedAt?: Date | null;
}

@InputType()
export class RunFilter {
  @Field(() => RunStatus, { nullable: true })
  status?: RunStatus | null;
}

@ArgsType()
export class MetricsArgs {
  @Field(() => [MetricInput])
  @ValidateNested({ each: true })
  @MaxItems()
  metrics: MetricInput[];
}

/** How a run ended: every status but RUNNING. */
@ArgsType()
export class EndStatusArgs {
  @Field(() => RunStatus)
  @OneOf([RunStatus.FINISHED, RunStatus.FAILED, RunStatus.KILLED])
  status: RunStatus;
}
