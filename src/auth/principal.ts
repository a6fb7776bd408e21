import { Field, ObjectType } from 'type-graphql';
import { Role } from './role';

/** Who is calling: the subject recorded as actor everywhere, and the global role. */
@ObjectType({ description: 'The authenticated caller: `token:<id>`, `token:admin`, `jwt:<subject>`, or `local…` in open local mode' })
export class Principal {
  @Field()
  subject: string;

  @Field(() => Role)
  role: Role;
}

export function principal(subject: string, role: Role): Principal {
  return Object.assign(new Principal(), { subject, role });
}

/** Why a request has no principal: no credentials, or credentials that did not check out. */
export type AuthFailure = 'missing' | 'invalid';
