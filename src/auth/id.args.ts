import { ArgsType, Field, ID } from 'type-graphql';

@ArgsType()
export class IdArgs {
  @Field(() => ID)
  id: string;
}
