import { Field, Float, ID, InputType, registerEnumType } from 'type-graphql';
import { ValidateNested } from 'class-validator';
import { SortDirection } from '../common/pagination';
import { JSONScalar, type JsonValue } from '../common/scalars';
import { TagList, TagInput } from '../common/tags';
import { LIMITS, MaxChars, MaxItems, ObjectRule, rule } from '../common/validation';
import { DatasetRole, Stage } from './model-version.entity';

const BOUNDS = ['gt', 'gte', 'lt', 'lte'] as const;

@InputType({ description: 'A bound on a registration metric, or on an evaluation metric on one dataset version; every given bound must hold' })
export class MetricThreshold {
  @Field()
  @MaxChars(LIMITS.metricKey, 1)
  key: string;

  @Field(() => ID, {
    nullable: true,
    description: 'Judge the version by its evaluations on this dataset version (latest point of the key: highest step, then last logged) instead of its registration metrics',
  })
  datasetVersionId?: string | null;

  @Field(() => Float, { nullable: true })
  gt?: number | null;

  @Field(() => Float, { nullable: true })
  gte?: number | null;

  @Field(() => Float, { nullable: true })
  lt?: number | null;

  @Field(() => Float, { nullable: true })
  lte?: number | null;
}

/** Keys that are safe inside a quoted JSON path on both engines. */
export const HYPERPARAMETER_KEY = /^[A-Za-z0-9_.-]{1,100}$/;
const MAX_HYPERPARAMETERS = 20;

/** An object of scalar values (string, number, boolean, null): each key must equal its value. */
const IsHyperparameterMatch = () =>
  rule('isHyperparameterMatch', (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'must be a JSON object';
    const entries = Object.entries(v);
    if (entries.length > MAX_HYPERPARAMETERS) return `must have at most ${MAX_HYPERPARAMETERS} keys`;
    for (const [key, value] of entries) {
      if (!HYPERPARAMETER_KEY.test(key)) return { at: [key], message: 'key must be 1 to 100 letters, digits, _ . or -' };
      if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
        return { at: [key], message: 'must be a string, number, boolean or null' };
      }
    }
    return null;
  });

/** One threshold per metric key and dataset version (none: registration metrics); the error names the repeated key. */
const UniqueThresholds = () =>
  rule('uniqueThresholds', (v) => {
    if (!Array.isArray(v)) return null;
    const seen = new Map<string, number>();
    for (let i = 0; i < v.length; i++) {
      const t = v[i] as MetricThreshold | null;
      if (t == null) continue;
      const on = t.datasetVersionId == null ? '' : ` on dataset version ${JSON.stringify(t.datasetVersionId)}`;
      const earlier = seen.get(`${t.key}\u0000${t.datasetVersionId ?? ''}`);
      if (earlier !== undefined) return { at: [i, 'key'], message: `repeats the metric key ${JSON.stringify(t.key)}${on} of item ${earlier}` };
      seen.set(`${t.key}\u0000${t.datasetVersionId ?? ''}`, i);
    }
    return null;
  });

/** Each threshold needs a bound; the error names the threshold (`filter.metrics.1`). */
const EachHasBound = () =>
  rule('eachHasBound', (v) => {
    if (!Array.isArray(v)) return null;
    const i = v.findIndex((t: Record<string, unknown>) => t != null && BOUNDS.every((b) => t[b] == null));
    return i < 0 ? null : { at: [i], message: 'give at least one of gt, gte, lt, lte' };
  });

@InputType({ description: 'Versions across every model; all given conditions must hold' })
@ObjectRule<ModelVersionSearch>((f) =>
  (f.datasetRole != null && f.datasetVersionId == null ? { field: 'datasetRole', message: 'needs datasetVersionId (the role it was used in)' } : null))
export class ModelVersionSearch {
  @Field(() => [ID], { nullable: true, description: 'Only versions of these models' })
  @MaxItems(100)
  modelIds?: string[] | null;

  @Field(() => Stage, { nullable: true })
  stage?: Stage | null;

  @Field(() => String, { nullable: true, description: 'Versions an alias of that name points to now (in their own model)' })
  @MaxChars(100, 1)
  alias?: string | null;

  @Field(() => [TagInput], { nullable: true, description: 'Tags with these keys and values (all of them)' })
  @TagList()
  tags?: TagInput[] | null;

  @Field(() => [TagInput], { nullable: true, description: 'At least one of these tags (key and value; a key may repeat)' })
  @MaxItems(100)
  @ValidateNested({ each: true })
  anyTags?: TagInput[] | null;

  @Field(() => String, { nullable: true, description: 'A tag with this key, whatever its value' })
  @MaxChars(LIMITS.tagKey, 1)
  tagKey?: string | null;

  @Field(() => [MetricThreshold], {
    nullable: true,
    description: 'Metrics within bounds (all of them): registration metrics, or evaluation metrics where a threshold names a dataset version',
  })
  @EachHasBound()
  @MaxItems(20)
  @UniqueThresholds()
  @ValidateNested({ each: true })
  metrics?: MetricThreshold[] | null;

  @Field(() => JSONScalar, {
    nullable: true,
    description: 'Effective hyperparameters (the version\'s own, else its run\'s params) equal to these scalar values, e.g. {"optimizer": "adam", "layers": 4}',
  })
  @IsHyperparameterMatch()
  hyperparameters?: JsonValue | null;

  @Field(() => ID, { nullable: true, description: 'Versions that used this dataset version (in any role, or in datasetRole)' })
  datasetVersionId?: string | null;

  @Field(() => DatasetRole, { nullable: true, description: 'Only the use of datasetVersionId in this role (needs datasetVersionId)' })
  datasetRole?: DatasetRole | null;

  @Field(() => Date, { nullable: true })
  createdAfter?: Date | null;

  @Field(() => Date, { nullable: true })
  createdBefore?: Date | null;

  @Field(() => Boolean, { nullable: true, description: 'true: versions of archived models too (by default they are left out)' })
  includeArchived?: boolean | null;
}

export enum ModelVersionSearchField {
  CREATED_AT = 'CREATED_AT',
  METRIC = 'METRIC',
}
registerEnumType(ModelVersionSearchField, { name: 'ModelVersionSearchField' });

@InputType({ description: 'By creation, or by a metric: registration, or evaluations on a dataset version (versions without it are left out)' })
@ObjectRule<ModelVersionSearchOrder>((o) => {
  if (o.field === ModelVersionSearchField.METRIC && o.metricKey == null) return { field: 'metricKey', message: 'is required to order by METRIC' };
  if (o.field !== ModelVersionSearchField.METRIC && o.metricKey != null) return { field: 'metricKey', message: 'is only for field METRIC' };
  if (o.field !== ModelVersionSearchField.METRIC && o.datasetVersionId != null) return { field: 'datasetVersionId', message: 'is only for field METRIC' };
  return null;
})
export class ModelVersionSearchOrder {
  @Field(() => ModelVersionSearchField, { defaultValue: ModelVersionSearchField.CREATED_AT })
  field: ModelVersionSearchField = ModelVersionSearchField.CREATED_AT;

  @Field(() => String, { nullable: true })
  @MaxChars(LIMITS.metricKey, 1)
  metricKey?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'Order by the versions\' evaluations of metricKey on this dataset version (latest point: highest step, then last logged) instead of registration metrics',
  })
  datasetVersionId?: string | null;

  @Field(() => SortDirection, { defaultValue: SortDirection.DESC })
  direction: SortDirection = SortDirection.DESC;
}
