import { DescribedCreateInput } from '../common/inputs';
import { Field, ID, InputType, Int } from 'type-graphql';
import { NamedFilter } from '../common/filters';
import { IsHttpUrl, IsName, LIMITS, MaxChars } from '../common/validation';
import { DeploymentStatus } from './deployment.entity';

@InputType()
export class CreateDeploymentInput extends DescribedCreateInput {
  @Field()
  @IsName()
  name: string;

  @Field(() => ID)
  modelId: string;

  @Field({ description: 'e.g. production, staging, eu-west' })
  @MaxChars(LIMITS.environment, 1)
  environment: string;

  @Field(() => String, { nullable: true })
  @IsHttpUrl()
  endpointUrl?: string | null;
}

@InputType()
export class DeploymentFilter extends NamedFilter {
  @Field(() => ID, { nullable: true })
  modelId?: string | null;

  @Field(() => String, { nullable: true })
  @MaxChars(LIMITS.environment)
  environment?: string | null;

  @Field(() => DeploymentStatus, { nullable: true })
  status?: DeploymentStatus | null;
}

@InputType()
export class TrafficInput {
  @Field(() => ID)
  versionId: string;

  @Field(() => Int, { description: '1..100; the split sums to 100' })
  percent: number;
}
