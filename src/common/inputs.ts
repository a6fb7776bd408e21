import { Field, InputType } from 'type-graphql';
import { TagInput, TagList } from './tags';
import { IsDescription } from './validation';

/** What every create mutation's input has: tags and an idempotency key. */
@InputType()
export abstract class CreateInput {
  @Field(() => [TagInput], { nullable: true })
  @TagList()
  tags?: TagInput[] | null;

  @Field(() => String, { nullable: true, description:
    'Per caller and mutation, kept at least 24 h: the same key with the same input returns the first call\'s object; with a different input it is CONFLICT (reason IDEMPOTENCY_KEY_REUSED)' })
  idempotencyKey?: string | null;
}

/** A create input for an object with a free-text description. */
@InputType()
export abstract class DescribedCreateInput extends CreateInput {
  @Field(() => String, { nullable: true })
  @IsDescription()
  description?: string | null;
}
