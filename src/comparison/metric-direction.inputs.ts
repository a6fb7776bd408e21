import { ArgsType, Field, ID } from 'type-graphql';
import { LIMITS, MaxChars } from '../common/validation';

@ArgsType()
export class ClearMetricDirectionArgs {
  @Field(() => ID)
  modelId: string;

  @Field({ description: 'A metric key, exactly as logged' })
  @MaxChars(LIMITS.metricKey, 1)
  key: string;
}

@ArgsType()
export class SetMetricDirectionArgs extends ClearMetricDirectionArgs {
  @Field({ description: 'True when a higher value is better (accuracy), false when lower is (loss)' })
  higherIsBetter: boolean;
}
