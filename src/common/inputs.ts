import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { TagInput, TagList } from './tags';
import { ExactlyOne, IsDescription, LIMITS, MaxChars } from './validation';

/** What every create mutation's input has: tags and an idempotency key. */
@InputType()
export abstract class CreateInput {
  @Field(() => [TagInput], { nullable: true })
  @TagList()
  tags?: TagInput[] | null;

  @Field(() => String, { nullable: true, description:
    'Per caller and mutation, kept at least 24 h: the same key with the same input returns the first call\'s object; with a different input it is CONFLICT (reason IDEMPOTENCY_KEY_REUSED)' })
  @MaxChars(LIMITS.name, 1)
  idempotencyKey?: string | null;
}

/** A create input for an object with a free-text description. */
@InputType()
export abstract class DescribedCreateInput extends CreateInput {
  @Field(() => String, { nullable: true })
  @IsDescription()
  description?: string | null;
}

/** The optional note of a lifecycle or deployment change (as long as a description may be). */
@ArgsType()
export class CommentArgs {
  @Field(() => String, { nullable: true })
  @IsDescription()
  comment?: string | null;
}

/** `thing(id:, name:)` root lookups: exactly one key. */
@ArgsType()
@ExactlyOne<ByIdOrNameArgs>('id', 'name')
export class ByIdOrNameArgs {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => ID, { nullable: true })
  id?: string | null;
}
