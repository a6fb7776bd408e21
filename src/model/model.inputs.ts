import { Field, InputType } from 'type-graphql';
import { NamedFilter } from '../common/filters';
import { TagInput, TagList } from '../common/tags';
import { IsDescription, IsName } from '../common/validation';
import { VersioningScheme } from './model.entity';

@InputType()
export class RegisterModelInput {
  @Field()
  @IsName()
  name: string;

  @Field(() => String, { nullable: true })
  @IsDescription()
  description?: string | null;

  @Field(() => VersioningScheme, { defaultValue: VersioningScheme.INTEGER })
  versioningScheme: VersioningScheme = VersioningScheme.INTEGER;

  @Field(() => [TagInput], { nullable: true })
  @TagList()
  tags?: TagInput[] | null;

  @Field(() => String, { nullable: true })
  idempotencyKey?: string | null;
}

@InputType()
export class ModelFilter extends NamedFilter {}
