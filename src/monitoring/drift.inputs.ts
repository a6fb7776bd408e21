import { ValidateNested } from 'class-validator';
import { ArgsType, Field, Float, ID, InputType, Int } from 'type-graphql';
import { MetricInput } from '../common/metrics';
import { IntRange, LIMITS, MaxBulkSamples, MaxChars, MinItems, rule } from '../common/validation';

/** The most samples a drift window averages. */
export const MAX_WINDOW = 1000;

const Positive = () => rule('positive', (v) => (typeof v === 'number' && v > 0 ? null : 'must be greater than 0'));
const NonZero = () => rule('nonZero', (v) => (v !== 0 ? null : 'must not be 0 (drift is measured relative to it)'));

@ArgsType()
export class RecordDeploymentMetricsArgs {
  @Field(() => ID)
  deploymentId: string;

  @Field(() => [MetricInput], { description: 'Up to 10,000 samples (the one list allowed above 1,000 items); `step` is ignored, `timestamp` is the sample\'s time (default `at`)' })
  @ValidateNested({ each: true })
  @MaxBulkSamples()
  @MinItems(1)
  metrics: MetricInput[];

  @Field(() => Date, { nullable: true, description: 'When the samples were measured, for those without their own timestamp (default: now)' })
  at?: Date | null;

  @Field(() => ID, { nullable: true, description: 'The served version the samples belong to; required while the traffic is split, else the one version served' })
  versionId?: string | null;
}

@InputType({ description: 'A drift rule for one metric of a deployment (replaces the metric\'s earlier rule)' })
export class DriftPolicyInput {
  @Field(() => ID)
  deploymentId: string;

  @Field({ description: 'The metric key, exactly as recorded' })
  @MaxChars(LIMITS.metricKey, 1)
  metric: string;

  @Field(() => Float, { nullable: true, description: 'Default: each served version\'s registration metric of this key, else its latest evaluation of it' })
  @NonZero()
  baseline?: number | null;

  @Field(() => Float, { description: 'Drifting when the window\'s average moves more than this fraction of the baseline in the bad direction (0.05 = 5%)' })
  @Positive()
  maxRelativeDrop: number;

  @Field(() => Boolean, { nullable: true, defaultValue: true, description: 'False for metrics where lower is better (latency, error rate); null means true' })
  higherIsBetter?: boolean | null;

  @Field(() => Int, { nullable: true, defaultValue: 1, description: `How many of the latest samples are averaged (1 to ${MAX_WINDOW}); null means 1` })
  @IntRange(1, MAX_WINDOW)
  window?: number | null;
}

@ArgsType()
export class DeleteDriftPolicyArgs {
  @Field(() => ID)
  deploymentId: string;

  @Field({ description: 'The metric key of the rule' })
  @MaxChars(LIMITS.metricKey, 1)
  metric: string;
}
