import { Directive, Field, InputType, ObjectType } from 'type-graphql';
import { Column, Entity, In, PrimaryColumn, type EntityManager } from 'typeorm';
import { defineLoader, groupLoader } from './loaders';
import { ValidateNested } from 'class-validator';
import { LIMITS, MaxChars, MaxItems, UniqueBy } from './validation';

/** A key/value label on any entity; keys are unique per entity. Other subgraphs commonly define it too. */
@ObjectType()
@Directive('@shareable')
@Entity('tag')
export class Tag {
  @PrimaryColumn({ name: 'entity_id', type: 'varchar', length: 40 })
  entityId: string;

  @Field()
  @PrimaryColumn({ type: 'varchar', length: LIMITS.tagKey })
  key: string;

  @Field()
  @Column({ type: 'varchar', length: LIMITS.tagValue })
  value: string;
}

@InputType()
export class TagInput {
  @Field()
  @MaxChars(LIMITS.tagKey, 1)
  key: string;

  @Field()
  @MaxChars(LIMITS.tagValue)
  value: string;
}

/** Validation for a `tags: [TagInput!]` input field: at most 1,000, unique keys, each valid. */
export function TagList(): PropertyDecorator {
  return (target, property) => {
    MaxItems()(target, property);
    UniqueBy('tag key', 'key')(target, property);
    ValidateNested({ each: true })(target, property);
  };
}

export const tagsByEntity = defineLoader(
  'tagsByEntity',
  groupLoader<string, Tag>(
    (db, ids) => db.manager.getRepository(Tag).find({ where: { entityId: In([...ids]) }, order: { entityId: 'ASC', key: 'ASC' } }),
    (t) => t.entityId,
  ),
);

export async function insertTags(em: EntityManager, entityId: string, tags: TagInput[] | undefined | null): Promise<void> {
  if (!tags?.length) return;
  await em.insert(Tag, tags.map((t) => ({ entityId, key: t.key, value: t.value })));
}

/** Replaces an entity's tags with the given set (used by update mutations). */
export async function replaceTags(em: EntityManager, entityId: string, tags: TagInput[]): Promise<void> {
  await em.delete(Tag, { entityId });
  await insertTags(em, entityId, tags);
}
