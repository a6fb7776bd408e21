import { ArgsType, Field, ID } from 'type-graphql';
import { TagInput, TagList } from '../common/tags';
import { IsDescription, MaxItems } from '../common/validation';

@ArgsType()
export class NodeIdsArgs {
  @Field(() => [ID])
  @MaxItems()
  ids: string[];
}

/** setTags: the same rules as the tags of a create input. */
@ArgsType()
export class TagsArgs {
  @Field(() => [TagInput])
  @TagList()
  tags: TagInput[];
}

@ArgsType()
export class DescriptionArgs {
  @Field(() => String, { nullable: true })
  @IsDescription()
  description: string | null;
}
