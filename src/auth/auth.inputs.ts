import { ArgsType, Field, ID } from 'type-graphql';
import { IsName, InFuture, OneOf } from '../common/validation';
import { Role } from './role';

@ArgsType()
export class CreateApiTokenArgs {
  @Field({ description: 'What the token is for (names need not be unique)' })
  @IsName()
  name: string;

  @Field(() => Role)
  role: Role;

  @Field(() => Date, { nullable: true, description: 'Refused after this instant; never expires without it' })
  @InFuture()
  expiresAt?: Date | null;
}

@ArgsType()
export class ApiTokensArgs {
  @Field({ defaultValue: false, description: 'Also list revoked tokens' })
  includeRevoked: boolean;
}

@ArgsType()
export class ModelSubjectArgs {
  @Field(() => ID)
  modelId: string;

  @Field({ description: 'The principal\'s subject as `viewer` shows it: `token:tok_…`, `jwt:<sub>`' })
  @IsName()
  subject: string;
}

@ArgsType()
export class GrantModelRoleArgs extends ModelSubjectArgs {
  @Field(() => Role, { description: 'VIEWER, EDITOR or APPROVER: ADMIN is global only' })
  @OneOf([Role.VIEWER, Role.EDITOR, Role.APPROVER])
  role: Role;
}
