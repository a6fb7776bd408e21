import { ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, Int } from 'type-graphql';
import { MetricInput } from '../common/metrics';
import { IntRange, MaxItems, MinItems } from '../common/validation';

const INT32 = 2 ** 31 - 1;

@ArgsType()
export class LogEvaluationArgs {
  @Field(() => ID)
  versionId: string;

  @Field(() => ID, { description: 'The dataset version the metrics were measured on' })
  datasetVersionId: string;

  @Field(() => [MetricInput], { description: '1 to 1,000 points' })
  @ValidateNested({ each: true })
  @MaxItems()
  @MinItems(1) // the decorator nearest the field is checked first
  metrics: MetricInput[];

  @Field(() => Int, { nullable: true, description: 'The step of every point that gives none' })
  @IntRange(0, INT32)
  step?: number | null;
}
