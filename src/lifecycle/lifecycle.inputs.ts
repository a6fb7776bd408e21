import { ArgsType, Field, InputType, Int } from 'type-graphql';
import { EachItem, IntRange, MaxItems, OneOf, rule } from '../common/validation';
import { Stage } from '../model-version/model-version.entity';
import { ALIAS_MAX } from './alias.entity';

export const MAX_REQUIRED_APPROVALS = 10;

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

@InputType()
export class ModelPolicyInput {
  @Field(() => Int, { description: 'Approvals needed for PRODUCTION and protected aliases (0..10; 0 = none)' })
  @IntRange(0, MAX_REQUIRED_APPROVALS)
  requiredApprovals: number;

  @Field(() => [String], { defaultValue: [] })
  @EachItem('isAliasName', aliasProblem)
  @MaxItems(100) // the decorator nearest the field is checked first
  protectedAliases: string[];
}

/** rollbackStage replays PRODUCTION's history; other stages have no "previous holder". */
@ArgsType()
export class RollbackStageArgs {
  @Field(() => Stage, { defaultValue: Stage.PRODUCTION })
  @OneOf([Stage.PRODUCTION])
  stage: Stage;
}
