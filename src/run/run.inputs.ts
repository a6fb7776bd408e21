import { CreateInput } from '../common/inputs';
import { Field, ID, InputType } from 'type-graphql';
import { JSONScalar, type JsonValue } from '../common/scalars';
import { IsGitCommit, IsGitRepo, IsJsonObject, IsName, JsonSize, MaxItems, UniqueBy } from '../common/validation';
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
  @UniqueBy((id: string) => id, 'id')
  inputDatasetVersionIds?: string[] | null;

  @Field(() => Date, { nullable: true, description: 'Defaults to now' })
  startedAt?: Date | null;
}

@InputType()
export class RunFilter {
  @Field(() => RunStatus, { nullable: true })
  status?: RunStatus | null;
}
