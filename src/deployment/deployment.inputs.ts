import { DescribedCreateInput } from '../common/inputs';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { ValidateNested } from 'class-validator';
import { NamedFilter } from '../common/filters';
import { IntRange, IsHttpUrl, IsName, LIMITS, MaxChars, MaxItems, MinItems, rule, UniqueBy } from '../common/validation';
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
  @IntRange(1, 100)
  percent: number;
}

const validPercent = (t: TrafficInput): boolean => Number.isInteger(t.percent) && t.percent >= 1 && t.percent <= 100;

/** The sum is judged once every percent is valid (a bad percent is reported on itself). */
const SumsTo100 = () =>
  rule('sumsTo100', (v) => {
    const split = v as TrafficInput[];
    if (!split.every(validPercent)) return null;
    const total = split.reduce((sum, t) => sum + t.percent, 0);
    return total === 100 ? null : `percents must sum to 100 (they sum to ${total})`;
  });

/** A deploy's split: 1 to 100 distinct versions, integer percents 1..100 summing to 100. */
@ArgsType()
export class TrafficArgs {
  @Field(() => [TrafficInput])
  @ValidateNested({ each: true })
  @SumsTo100()
  @UniqueBy('version id', 'versionId')
  @MaxItems(100)
  @MinItems(1) // the decorator nearest the field is checked first
  traffic: TrafficInput[];
}
