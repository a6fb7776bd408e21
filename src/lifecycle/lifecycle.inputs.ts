import { ArgsType, Field, InputType, Int } from 'type-graphql';
import { EachItem, IntRange, MaxItems, MinItems, OneOf, rule, UniqueBy } from '../common/validation';
import { Stage } from '../model-version/model-version.entity';
import { ALIAS_MAX } from './alias.entity';

export const MAX_REQUIRED_APPROVALS = 10;
const STAGE_COUNT = Object.keys(Stage).length;

const ALIAS = new RegExp(`^[A-Za-z][A-Za-z0-9_.-]{0,${ALIAS_MAX - 1}}$`);

/** An alias name: a letter, then letters, digits, '_', '.', '-'; "latest" is taken by Model.latestVersion. */
function aliasProblem(value: unknown): string | null {
  if (typeof value !== 'string' || !ALIAS.test(value)) return `must start with a letter and use letters, digits, '_', '.', '-' (at most ${ALIAS_MAX})`;
  return value === 'latest' ? '"latest" is reserved (use Model.latestVersion)' : null;
}

export const IsAliasName = () => rule('isAliasName', aliasProblem);

/** The alias an alias change names (setAlias, requestAliasChange). */
@ArgsType()
export class AliasArgs {
  @Field()
  @IsAliasName()
  alias: string;
}

/** Every field is optional: an omitted field keeps its value, an explicit null restores its default. */
@InputType({ description: 'Omitted fields keep their value; null restores a field\'s default' })
export class ModelPolicyInput {
  @Field(() => Int, { nullable: true, description: 'Approvals needed for PRODUCTION and protected aliases (0..10; 0 = none, the default)' })
  @IntRange(0, MAX_REQUIRED_APPROVALS)
  requiredApprovals?: number | null;

  @Field(() => [String], { nullable: true, description: 'Aliases that move only through an approved request (default: none)' })
  @EachItem('isAliasName', aliasProblem)
  @MaxItems(100) // the decorator nearest the field is checked first
  protectedAliases?: string[] | null;

  @Field(() => [Stage], { nullable: true, description: 'Stages deploy may route traffic to (1 to 4, distinct; default: every stage but ARCHIVED)' })
  @UniqueBy('stage')
  @MinItems(1)
  @MaxItems(STAGE_COUNT)
  deployableStages?: Stage[] | null;
}

/** rollbackStage replays PRODUCTION's history; other stages have no "previous holder". */
@ArgsType()
export class RollbackStageArgs {
  @Field(() => Stage, { defaultValue: Stage.PRODUCTION })
  @OneOf([Stage.PRODUCTION])
  stage: Stage;
}
