import { Field, InputType, Int } from 'type-graphql';
import { MaxItems } from '../common/validation';

@InputType()
export class ModelPolicyInput {
  @Field(() => Int, { description: 'Approvals needed for PRODUCTION and protected aliases (0..10; 0 = none)' })
  requiredApprovals: number;

  @Field(() => [String], { defaultValue: [] })
  @MaxItems(100)
  protectedAliases: string[];
}
