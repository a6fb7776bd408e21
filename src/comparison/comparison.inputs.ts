import { ArgsType, Field, ID } from 'type-graphql';
import { MaxItems, MinItems, UniqueBy } from '../common/validation';

/** Versions compared in one call: enough to chart, few enough to read side by side. */
export const MAX_COMPARED = 10;

@ArgsType()
export class CompareVersionsArgs {
  @Field(() => [ID], { description: `2 to ${MAX_COMPARED} distinct model version ids, of any models; the first is the baseline` })
  @MinItems(2)
  @MaxItems(MAX_COMPARED)
  @UniqueBy('id')
  ids: string[];

  @Field(() => ID, { nullable: true, description: 'Compare the versions\' evaluations on this dataset version (latest point per key) instead of their registration metrics' })
  datasetVersionId?: string | null;
}
