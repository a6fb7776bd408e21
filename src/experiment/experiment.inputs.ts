import { Field, InputType } from 'type-graphql';
import { TagInput, TagList } from '../common/tags';
import { NamedFilter } from '../common/filters';
import { IsDescription, IsName } from '../common/validation';

@InputType()
export class CreateExperimentInput {
  @Field()
  @IsName()
  name: string;

  @Field(() => String, { nullable: true })
  @IsDescription()
  description?: string | null;

  @Field(() => [TagInput], { nullable: true })
  @TagList()
  tags?: TagInput[] | null;

  @Field(() => String, { nullable: true, description: 'Repeating a call with the same key returns the first call\'s experiment' })
  idempotencyKey?: string | null;
}


@InputType()
export class ExperimentFilter extends NamedFilter {}
